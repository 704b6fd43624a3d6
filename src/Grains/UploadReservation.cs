namespace Uploads.Grains;

/// <summary>The answer of <see cref="ITenantGrain.ReserveUploadAsync"/>.</summary>
/// <param name="Reserved">True when the upload is marked active.</param>
/// <param name="ActiveUploadIds">When not reserved: the uploads that count against the limit.</param>
public sealed record UploadReservation(bool Reserved, IReadOnlyList<string> ActiveUploadIds);
