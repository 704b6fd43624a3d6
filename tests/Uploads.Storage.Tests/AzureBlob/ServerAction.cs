namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>How the <see cref="LoopbackBlobServer"/> answers one request.</summary>
public sealed class ServerAction
{
    private ServerAction(ActionKind kind, int status, IReadOnlyDictionary<string, string> headers, byte[] body)
    {
        Kind = kind;
        Status = status;
        Headers = headers;
        Body = body;
    }

    public enum ActionKind
    {
        Respond,
        Drop,
        Stall,
    }

    public ActionKind Kind { get; }

    public int Status { get; }

    public IReadOnlyDictionary<string, string> Headers { get; }

    public byte[] Body { get; }

    /// <summary>Answers with <paramref name="status"/>, the headers given and the body (with its Content-Length unless one is given).</summary>
    public static ServerAction Respond(int status, Dictionary<string, string>? headers = null, byte[]? body = null) =>
        new(ActionKind.Respond, status, headers ?? [], body ?? []);

    /// <summary>An error answer with the service's <c>x-ms-error-code</c>.</summary>
    public static ServerAction Error(int status, string errorCode) =>
        Respond(status, new Dictionary<string, string> { ["x-ms-error-code"] = errorCode });

    /// <summary>Resets the connection after reading the request, without a word.</summary>
    public static ServerAction Drop() => new(ActionKind.Drop, 0, new Dictionary<string, string>(), []);

    /// <summary>Never answers (until the server is disposed).</summary>
    public static ServerAction Stall() => new(ActionKind.Stall, 0, new Dictionary<string, string>(), []);
}
