using Orleans.Core;
using Uploads.Abstractions;

namespace Uploads.Grains;

/// <summary>The pages of an upload's parts: loading them, making new ones, and keeping the views of what is held.</summary>
internal sealed partial class UploadGrain
{
    private async Task LoadPartsAsync(bool readStored, CancellationToken cancellationToken)
    {
        _pages.Clear();
        _parts.Clear();
        _receivedCount = 0;
        _receivedBytes = 0;
        _lastAcceptedAt = null;
        if (Manifest.Mode == UploadWriteMode.Append)
        {
            // Appends fill the pages in order, so the pages stored run from the first to the first that is not full.
            // Batches grow (1, 1, 2, 4, ... pages) so a small upload reads one record and a large one few round trips.
            while (readStored)
            {
                var batch = Enumerable.Range(_pages.Count, Math.Clamp(_pages.Count, 1, PageParallelism)).Select(PageAt).ToArray();
                await ReadPagesAsync(batch, cancellationToken);
                var notFull = Array.FindIndex(batch, p => p.State.Parts.Count < UploadPartPage.Size);
                if (notFull >= 0)
                {
                    _pages.RemoveRange(_pages.Count - batch.Length + notFull + 1, batch.Length - notFull - 1);
                    break;
                }
            }
        }
        else
        {
            var pageCount = (Manifest.ChunkCount + UploadPartPage.Size - 1) / UploadPartPage.Size;
            var pages = Enumerable.Range(0, pageCount).Select(PageAt).ToArray();

            // A new upload has no pages stored yet: reading them would only find nothing.
            if (readStored)
            {
                await ReadPagesAsync(pages, cancellationToken);
            }

            _parts.AddRange(new UploadPart?[Manifest.ChunkCount]);
        }

        foreach (var page in _pages)
        {
            foreach (var part in page.State.Parts.OrderBy(p => p.Index))
            {
                if (Manifest.Mode == UploadWriteMode.Append ? part.Index == _parts.Count : part.Index >= 0 && part.Index < _parts.Count && _parts[part.Index] is null)
                {
                    Record(part, previous: null);
                }
            }

            if (page.State.UpdatedAt > _lastAcceptedAt || _lastAcceptedAt is null)
            {
                _lastAcceptedAt = page.State.UpdatedAt;
            }
        }
    }

    private Task ReadPagesAsync(IReadOnlyList<IStorage<UploadPartPage>> pages, CancellationToken cancellationToken) =>
        ForEachPageAsync(pages, page => page.ReadStateAsync(cancellationToken));

    /// <summary>
    /// Runs <paramref name="action"/> on every page, at most <see cref="PageParallelism"/> at a time. The actions start
    /// from this activation's turn, so their continuations stay on it, as Orleans requires of state access.
    /// </summary>
    private static async Task ForEachPageAsync(IReadOnlyList<IStorage<UploadPartPage>> pages, Func<IStorage<UploadPartPage>, Task> action)
    {
        for (var start = 0; start < pages.Count; start += PageParallelism)
        {
            var window = Math.Min(PageParallelism, pages.Count - start);
            var tasks = new Task[window];
            for (var i = 0; i < window; i++)
            {
                tasks[i] = action(pages[start + i]);
            }

            await Task.WhenAll(tasks);
        }
    }

    /// <summary>The page holding part <paramref name="pageIndex"/> × <see cref="UploadPartPage.Size"/> onwards, made (empty, not stored) when new.</summary>
    private IStorage<UploadPartPage> PageAt(int pageIndex)
    {
        while (_pages.Count <= pageIndex)
        {
            // A named state over the upload's storage provider; empty until it is read or written.
            _pages.Add(new StateStorageBridge<UploadPartPage>(UploadKeys.PageStateName(_pages.Count), GrainContext, _storage) { State = new UploadPartPage() });
        }

        return _pages[pageIndex];
    }

    private void Record(UploadPart part, UploadPart? previous)
    {
        if (previous is null)
        {
            _receivedCount++;
        }
        else
        {
            _receivedBytes -= previous.Size;
        }

        _receivedBytes += part.Size;
        if (part.Index == _parts.Count)
        {
            _parts.Add(part);
        }
        else
        {
            _parts[part.Index] = part;
        }
    }
}
