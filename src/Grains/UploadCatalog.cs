using Uploads.Abstractions;
using Uploads.Storage;

namespace Uploads.Grains;

/// <summary>
/// Lists a tenant's uploads by paging through their index records (<see cref="UploadKeys.IndexPrefix"/>, ordinal order,
/// so server-chosen ids come oldest first) and asking each upload's grain for its state, so that an expiry or an
/// interrupted completion shows as it would on a status call. Orleans grain storage cannot list, so each upload's
/// grain writes its index record before its manifest and deletes it after its manifest.
/// </summary>
public sealed class UploadCatalog
{
    // Bounds the work one list request does when a state filter matches few uploads; the caller gets a cursor to go on.
    private const int MaxScannedPerPage = 2_000;
    private const int Parallelism = 8;

    private readonly IGrainStateStore _store;
    private readonly IGrainFactory _grains;

    public UploadCatalog(IGrainStateStore store, IGrainFactory grains)
    {
        _store = store;
        _grains = grains;
    }

    /// <summary>
    /// Lists up to <paramref name="limit"/> uploads of <paramref name="tenant"/> after upload id <paramref name="after"/>,
    /// keeping those in <paramref name="state"/> when it is given. Paging on with <see cref="UploadListPage.NextAfter"/>
    /// visits every upload that existed throughout exactly once, whatever is created meanwhile.
    /// </summary>
    public async Task<UploadListPage> ListAsync(string tenant, UploadState? state, string? after, int limit, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var prefix = UploadKeys.IndexPrefix(tenant);
        var startAfter = after is null ? null : prefix + after;
        var items = new List<UploadSnapshot>(limit);
        var scanned = 0;
        while (true)
        {
            var batchSize = Math.Min(limit, 256);
            var keys = await _store.ListKeysAsync(prefix, startAfter, batchSize, cancellationToken);
            var snapshots = new UploadSnapshot?[keys.Count];
            await Parallel.ForEachAsync(
                Enumerable.Range(0, keys.Count),
                new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
                async (i, token) => snapshots[i] = await GetOrDefaultAsync(tenant, keys[i][prefix.Length..], token));

            for (var i = 0; i < keys.Count; i++)
            {
                startAfter = keys[i];
                scanned++;
                if (snapshots[i] is { } snapshot && (state is null || snapshot.State == state))
                {
                    items.Add(snapshot);
                    if (items.Count == limit)
                    {
                        return new UploadListPage(items, i == keys.Count - 1 && keys.Count < batchSize ? null : startAfter[prefix.Length..]);
                    }
                }
            }

            if (keys.Count < batchSize)
            {
                return new UploadListPage(items, NextAfter: null);
            }

            if (scanned >= MaxScannedPerPage)
            {
                return new UploadListPage(items, startAfter![prefix.Length..]);
            }
        }
    }

    private async Task<UploadSnapshot?> GetOrDefaultAsync(string tenant, string uploadId, CancellationToken cancellationToken)
    {
        if (!UploadIds.IsValid(uploadId))
        {
            return null;
        }

        try
        {
            var grain = _grains.GetGrain<IUploadGrain>(UploadKeys.GrainKey(tenant, uploadId));
            return await GrainCallRetry.InvokeAsync(() => grain.GetAsync(cancellationToken), cancellationToken);
        }
        catch (UploadException exception) when (exception.Code == UploadErrorCodes.NotFound)
        {
            // Deleted between the listing and the read.
            return null;
        }
    }
}
