using System.Buffers.Binary;

namespace Uploads.Storage.Tests;

/// <summary>A counter kept in a state record and incremented the way grains write state: read, change, write if unchanged.</summary>
public static class StateCounter
{
    /// <summary>Adds one to the counter, reloading and retrying whenever another writer was first.</summary>
    public static async Task IncrementAsync(IGrainStateStore store, string key, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            var entry = await store.ReadAsync(key, cancellationToken);
            var next = new byte[sizeof(long)];
            BinaryPrimitives.WriteInt64LittleEndian(next, Decode(entry) + 1);
            try
            {
                await store.WriteAsync(key, next, entry?.ETag, cancellationToken);
                return;
            }
            catch (StorageException ex) when (ex.Code == StorageErrorCode.Conflict)
            {
                // Someone else wrote first: reload and try again, never overwrite.
            }
        }
    }

    /// <summary>Reads the counter; a missing record counts as zero.</summary>
    public static async Task<long> ReadAsync(IGrainStateStore store, string key, CancellationToken cancellationToken = default) =>
        Decode(await store.ReadAsync(key, cancellationToken));

    private static long Decode(StateEntry? entry) => entry is null ? 0 : BinaryPrimitives.ReadInt64LittleEndian(entry.Data);
}
