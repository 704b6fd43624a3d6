using Azure;
using System.Runtime.CompilerServices;
using Azure.Identity;

namespace Uploads.Storage.AzureBlob;

/// <summary>
/// Turns what the SDK throws once its retries are spent into the one exception type of the stores: a
/// <see cref="StorageException"/> with <see cref="StorageErrorCode.Unavailable"/>, whose message says what failed
/// where, and how to fix it when that is known.
/// </summary>
internal static class AzureBlobErrors
{
    /// <summary>
    /// Whether <paramref name="exception"/> is a failure of the store (an answer, a transport failure, a timeout, a
    /// credential that yields no token) rather than of the caller: a cancellation by <paramref name="cancellationToken"/>
    /// is not.
    /// </summary>
    public static bool IsStoreFailure(Exception exception, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested &&
        (exception is RequestFailedException or AggregateException or IOException or HttpRequestException or OperationCanceledException || IsCredentialFailure(exception));

    /// <summary>Whether <paramref name="exception"/> is the service's answer <paramref name="status"/>, with <paramref name="errorCode"/> when one is given.</summary>
    public static bool Is(this RequestFailedException exception, int status, string? errorCode = null) =>
        exception.Status == status && (errorCode is null || string.Equals(exception.ErrorCode, errorCode, StringComparison.Ordinal));

    /// <summary>A 404 of the blob itself, not of its container (which the silo created, so its absence is a fault of the store).</summary>
    public static bool IsBlobNotFound(this RequestFailedException exception) =>
        exception.Status == 404 && !string.Equals(exception.ErrorCode, "ContainerNotFound", StringComparison.Ordinal);

    /// <summary>The store's failure to carry out <paramref name="operation"/> of <paramref name="resource"/> at <paramref name="endpoint"/>.</summary>
    public static StorageException Unavailable(string operation, string resource, Uri endpoint, Exception exception)
    {
        var answer = Describe(exception);
        var innermost = Innermost(exception);
        var hint = innermost switch
        {
            RequestFailedException { Status: 403 } =>
                " Check the account key or SAS of the connection string (and this machine's clock), or the role of the identity on the account.",
            RequestFailedException { Status: 404, ErrorCode: "ContainerNotFound" } =>
                " The container was deleted after this silo created it; restart the silo to create it again.",
            _ when IsCredentialFailure(innermost) =>
                " DefaultAzureCredential found no identity: give the pod a managed or workload identity, or set a connection string.",
            _ => "",
        };

        return new StorageException(StorageErrorCode.Unavailable, $"{operation} of '{resource}' at {endpoint} failed: {answer}.{hint}", exception);
    }

    // Apart, so that Azure.Identity is loaded only when a credential is in play: a silo with a connection string never needs it.
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static bool IsCredentialFailure(Exception exception) => exception is AuthenticationFailedException;

    private static string Describe(Exception exception) => exception switch
    {
        AggregateException aggregate =>
            $"{aggregate.InnerExceptions.Count} attempt(s), the last: {Describe(aggregate.InnerExceptions[^1])}",
        RequestFailedException { Status: > 0 } failed => $"{failed.Status} {failed.ErrorCode}",
        OperationCanceledException => "no answer in time",
        _ => FirstLine(exception.InnerException is { } inner ? $"{exception.Message} ({inner.Message})" : exception.Message),
    };

    private static Exception Innermost(Exception exception) =>
        exception is AggregateException { InnerExceptions.Count: > 0 } aggregate ? aggregate.InnerExceptions[^1] : exception;

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).TrimEnd('.');
    }
}
