using System.Text.Json;
using System.Text.Json.Serialization;
using Uploads.Storage;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// The membership records in the grain state store, under <c>membership/</c>: the same store the grains use, so a
/// cluster needs nothing else, and both providers (a shared folder, Azure Blob Storage or Azurite) serve it.
/// </summary>
internal sealed class MembershipTable
{
    /// <summary>The key prefix of the records.</summary>
    public const string Prefix = "membership/";

    private const int PageSize = 1000;

    private static readonly JsonSerializerOptions s_json = new(JsonSerializerDefaults.Web)
    {
        // Readable in the store, for whoever lists it by hand.
        Converters = { new JsonStringEnumConverter<SiloStatus>() },
    };

    private readonly IGrainStateStore _store;

    public MembershipTable(IGrainStateStore store)
    {
        _store = store;
    }

    /// <summary>The store key of a silo's record.</summary>
    public static string KeyOf(string siloId) => Prefix + siloId;

    /// <summary>Reads every record; one that cannot be parsed, or that names another silo than its key, is left out.</summary>
    public async Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken cancellationToken)
    {
        var keys = new List<string>();
        string? after = null;
        while (true)
        {
            var page = await _store.ListKeysAsync(Prefix, after, PageSize, cancellationToken);
            keys.AddRange(page);
            if (page.Count < PageSize)
            {
                break;
            }

            after = page[^1];
        }

        var entries = await Task.WhenAll(keys.Select(key => ReadKeyAsync(key, cancellationToken)));
        return entries.OfType<MembershipEntry>().ToList();
    }

    /// <summary>Reads one silo's record, or <see langword="null"/> when it has none.</summary>
    public Task<MembershipEntry?> ReadAsync(string siloId, CancellationToken cancellationToken) => ReadKeyAsync(KeyOf(siloId), cancellationToken);

    /// <summary>Writes a record, conditional on <paramref name="etag"/> (create-only when null); returns the new entity tag.</summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Conflict"/> when someone else wrote first.</exception>
    public Task<string> WriteAsync(MembershipRecord record, string? etag, CancellationToken cancellationToken) =>
        _store.WriteAsync(KeyOf(record.SiloId), JsonSerializer.SerializeToUtf8Bytes(record, s_json), etag, cancellationToken);

    /// <summary>Deletes a record, conditional on <paramref name="etag"/>.</summary>
    /// <exception cref="StorageException">With <see cref="StorageErrorCode.Conflict"/> when someone else wrote first.</exception>
    public Task DeleteAsync(string siloId, string etag, CancellationToken cancellationToken) =>
        _store.DeleteAsync(KeyOf(siloId), etag, cancellationToken);

    private async Task<MembershipEntry?> ReadKeyAsync(string key, CancellationToken cancellationToken)
    {
        if (await _store.ReadAsync(key, cancellationToken) is not { } entry)
        {
            // Deleted between the listing and the read: gone.
            return null;
        }

        MembershipRecord? record;
        try
        {
            record = JsonSerializer.Deserialize<MembershipRecord>(entry.Data, s_json);
        }
        catch (JsonException)
        {
            // Not a record this version can read; it cannot be placed on, so it is as good as absent.
            return null;
        }

        return record is not null && KeyOf(record.SiloId) == key ? new MembershipEntry(record, entry.ETag) : null;
    }
}
