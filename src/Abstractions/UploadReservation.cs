namespace Uploads.Abstractions;

/// <summary>The answer of <see cref="ITenantGrain.ReserveUploadAsync"/>.</summary>
/// <param name="Reserved">True when the upload is marked active.</param>
/// <param name="ActiveUploadIds">When not reserved: the uploads that count against the limit.</param>
[GenerateSerializer, Immutable, Alias("uploads.UploadReservation")]
public sealed record UploadReservation(
    [property: Id(0)] bool Reserved,
    [property: Id(1)] IReadOnlyList<string> ActiveUploadIds);
