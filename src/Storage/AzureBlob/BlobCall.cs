using Azure.Core;
using Azure.Core.Pipeline;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// One store operation as the SDK's pipeline sees it, for the span of a <c>using</c>: how many attempts the SDK's
/// retries made of it, and whether its attempts are timed by the progress of their body instead of the SDK's network
/// timeout. <see cref="Policy"/> (in every client this provider makes) reads it from the message's properties.
/// </summary>
internal sealed class BlobCall : IDisposable
{
    private const string PropertyName = "Uploads.Storage.AzureBlob.BlobCall";

    private readonly IDisposable _scope;
    private int _attempts;

    private BlobCall(bool timedByProgress)
    {
        TimedByProgress = timedByProgress;
        _scope = HttpPipeline.CreateHttpMessagePropertiesScope(new Dictionary<string, object?> { [PropertyName] = this });
    }

    /// <summary>
    /// Whether the SDK's network timeout is lifted for this operation, because its body enforces a timeout of its
    /// own that restarts on progress (see <see cref="BlockContentStream"/>): a slow client's block that keeps moving
    /// must not be cut off.
    /// </summary>
    public bool TimedByProgress { get; }

    /// <summary>How many attempts were sent so far; more than one means an earlier one may have taken effect.</summary>
    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Starts watching the SDK calls made on this flow of execution, until disposed.</summary>
    public static BlobCall Start(bool timedByProgress = false) => new(timedByProgress);

    public void Dispose() => _scope.Dispose();

    /// <summary>Called as each attempt ends (answered or failed), before the SDK waits to retry or returns.</summary>
    public Action? AttemptEnded { get; set; }

    /// <summary>
    /// A per-retry policy: counts each attempt of a watched operation, lifts its network timeout when asked, and says
    /// when each attempt ended.
    /// </summary>
    internal sealed class Policy : HttpPipelinePolicy
    {
        public override void Process(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var call = Begin(message);
            try
            {
                ProcessNext(message, pipeline);
            }
            finally
            {
                call?.AttemptEnded?.Invoke();
            }
        }

        public override async ValueTask ProcessAsync(HttpMessage message, ReadOnlyMemory<HttpPipelinePolicy> pipeline)
        {
            var call = Begin(message);
            try
            {
                await ProcessNextAsync(message, pipeline).ConfigureAwait(false);
            }
            finally
            {
                call?.AttemptEnded?.Invoke();
            }
        }

        private static BlobCall? Begin(HttpMessage message)
        {
            if (!message.TryGetProperty(PropertyName, out var value) || value is not BlobCall call)
            {
                return null;
            }

            Interlocked.Increment(ref call._attempts);
            if (call.TimedByProgress)
            {
                message.NetworkTimeout = Timeout.InfiniteTimeSpan;
            }

            return call;
        }
    }
}
