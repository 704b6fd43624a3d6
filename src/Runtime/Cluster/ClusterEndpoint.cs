using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// The silo-to-silo endpoint, <c>POST /internal/grains/call</c>, served only on <see cref="ClusterOptions.InternalUrl"/>.
/// It answers nothing without the cluster key (compared in constant time); then it checks, in its own view, that this
/// silo is serving (else 503) and owns the grain (else 421, and the caller places the call again), runs the call on the
/// local activation and answers its result or its exception. It never forwards a call further.
/// </summary>
internal sealed partial class ClusterEndpoint
{
    // A grain call carries small messages (a chunk commit is a few hundred bytes); bytes never cross silos.
    private const long MaxRequestBytes = 4 * 1024 * 1024;

    private readonly ClusterMembership _membership;
    private readonly ClusterGrainCallInvoker _invoker;
    private readonly GrainCallSerializer _serializer;
    private readonly ILogger<ClusterEndpoint> _logger;
    private readonly byte[] _keyHash;

    public ClusterEndpoint(
        ClusterMembership membership,
        ClusterGrainCallInvoker invoker,
        GrainCallSerializer serializer,
        IOptions<ClusterOptions> options,
        ILogger<ClusterEndpoint> logger)
    {
        _membership = membership;
        _invoker = invoker;
        _serializer = serializer;
        _logger = logger;

        // Hashes are compared, not keys: both sides have the same length, so the comparison time tells nothing.
        _keyHash = SHA256.HashData(Encoding.UTF8.GetBytes(options.Value.Key));
    }

    /// <summary>Serves one request that arrived on the internal port.</summary>
    public async Task HandleAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var response = context.Response;
        if (!HasClusterKey(context.Request))
        {
            LogUnauthorized(_logger, context.Connection.RemoteIpAddress?.ToString(), context.Request.Path);
            response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        if (context.Request.Path != GrainCallForwarder.CallPath)
        {
            response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        if (!HttpMethods.IsPost(context.Request.Method))
        {
            response.StatusCode = StatusCodes.Status405MethodNotAllowed;
            response.Headers.Allow = HttpMethods.Post;
            return;
        }

        if (!_membership.IsServing)
        {
            response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return;
        }

        if (context.Request.ContentLength > MaxRequestBytes)
        {
            response.StatusCode = StatusCodes.Status413PayloadTooLarge;
            return;
        }

        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = MaxRequestBytes;
        }

        var cancellationToken = context.RequestAborted;
        GrainCallRequest? request;
        try
        {
            request = await JsonSerializer.DeserializeAsync<GrainCallRequest>(context.Request.Body, _serializer.Options, cancellationToken);
        }
        catch (JsonException exception)
        {
            await WriteBadRequestAsync(response, $"The body is not a grain call: {exception.Message}", cancellationToken);
            return;
        }

        if (request is null)
        {
            await WriteBadRequestAsync(response, "The body is not a grain call.", cancellationToken);
            return;
        }

        if (!_serializer.TryReadCall(request, out var call, out var error))
        {
            await WriteBadRequestAsync(response, error, cancellationToken);
            return;
        }

        if (_membership.SelectOwner(call.GrainId, request.Excluded)?.SiloId != _membership.LocalSiloId)
        {
            response.StatusCode = StatusCodes.Status421MisdirectedRequest;
            return;
        }

        GrainCallResponse answer;
        try
        {
            var result = await _invoker.InvokeLocalAsync(call, cancellationToken);
            answer = _serializer.ToResponse(call, result);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The caller went away; nobody reads an answer.
            return;
        }
        catch (Exception exception)
        {
            // Every exception of the grain goes back to the caller, which rethrows it (or a RemoteGrainException) as a
            // local call would have: this is the boundary where it crosses, not where it is handled.
            answer = _serializer.ToResponse(exception);
        }

        response.StatusCode = StatusCodes.Status200OK;
        await response.WriteAsJsonAsync(answer, _serializer.Options, cancellationToken);
    }

    private bool HasClusterKey(HttpRequest request)
    {
        var presented = request.Headers[GrainCallForwarder.KeyHeader].ToString();
        return presented.Length > 0 && CryptographicOperations.FixedTimeEquals(SHA256.HashData(Encoding.UTF8.GetBytes(presented)), _keyHash);
    }

    private static Task WriteBadRequestAsync(HttpResponse response, string detail, CancellationToken cancellationToken)
    {
        response.StatusCode = StatusCodes.Status400BadRequest;
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(detail, cancellationToken);
    }
}
