using Orleans.Storage;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Orleans' Azure Blob grain storage as the grains see it: the same reads and conditional writes, with a failure of
/// the store itself (what the Azure SDK throws once its retries are spent) reported as a <see cref="StorageException"/>
/// with <see cref="StorageErrorCode.Unavailable"/>, as every store of ours reports it, so that a caller answers 503
/// <c>storage_unavailable</c> rather than a server fault. A conflict stays Orleans' <see cref="InconsistentStateException"/>.
/// </summary>
internal sealed class AzureBlobGrainStorageAdapter : IGrainStorage
{
    private readonly IGrainStorage _inner;
    private readonly Uri _endpoint;

    public AzureBlobGrainStorageAdapter(IGrainStorage inner, Uri endpoint)
    {
        _inner = inner;
        _endpoint = endpoint;
    }

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TranslateAsync(() => _inner.ReadStateAsync(stateName, grainId, grainState), "Reading state", stateName, grainId);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TranslateAsync(() => _inner.WriteStateAsync(stateName, grainId, grainState), "Writing state", stateName, grainId);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        TranslateAsync(() => _inner.ClearStateAsync(stateName, grainId, grainState), "Clearing state", stateName, grainId);

    private async Task TranslateAsync(Func<Task> operation, string verb, string stateName, GrainId grainId)
    {
        try
        {
            await operation();
        }
        catch (Exception exception) when (exception is not InconsistentStateException && AzureBlobErrors.IsStoreFailure(exception, CancellationToken.None))
        {
            throw AzureBlobErrors.Unavailable(verb, $"{stateName} of {grainId}", _endpoint, exception);
        }
    }
}
