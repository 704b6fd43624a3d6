using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Uploads.Runtime.Cluster;

/// <summary>
/// Sends grain calls to their owner silos: <c>POST {internal URL}/internal/grains/call</c> with the cluster key, one
/// hop, over pooled connections. Tells apart a call that surely did not run (no connection, not the owner, not
/// serving) from one that may have run (a connection that broke, a timeout), so the caller knows what it may retry.
/// </summary>
internal sealed class GrainCallForwarder : IDisposable
{
    /// <summary>The path of the internal endpoint.</summary>
    public const string CallPath = "/internal/grains/call";

    /// <summary>The header that carries the cluster key.</summary>
    public const string KeyHeader = "X-Uploads-Cluster-Key";

    // A silo on the same network answers a connection at once; a silo that does not within this time is treated as
    // gone for this call, which then goes to the next silo in the grain's order.
    private static readonly TimeSpan s_connectTimeout = TimeSpan.FromSeconds(2);
    private static readonly MediaTypeHeaderValue s_json = new("application/json");

    private readonly HttpClient _http;
    private readonly GrainCallSerializer _serializer;
    private readonly ClusterOptions _options;

    public GrainCallForwarder(GrainCallSerializer serializer, IOptions<ClusterOptions> options)
    {
        _serializer = serializer;
        _options = options.Value;
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = ConnectAsync,
            // Silo-to-silo traffic never goes through a proxy, and carries no cookies.
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(30),
            // Re-resolves silo host names now and then, for silos whose addresses move (containers).
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        };
        _http = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Forwards <paramref name="request"/> to the silo at <paramref name="address"/>.</summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was cancelled.</exception>
    public async Task<ForwardResult> ForwardAsync(Uri address, GrainCallRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(address);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.ForwardTimeout);

        using var message = new HttpRequestMessage(HttpMethod.Post, new Uri(address, CallPath))
        {
            Content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(request, _serializer.Options)),
        };
        message.Content.Headers.ContentType = s_json;
        message.Headers.TryAddWithoutValidation(KeyHeader, _options.Key);

        try
        {
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, timeout.Token);
            switch (response.StatusCode)
            {
                case HttpStatusCode.OK:
                    var body = await response.Content.ReadAsByteArrayAsync(timeout.Token);
                    return JsonSerializer.Deserialize<GrainCallResponse>(body, _serializer.Options) is { } answer
                        ? new ForwardResult(ForwardStatus.Completed, answer)
                        : new ForwardResult(ForwardStatus.Broken, Detail: "the owner answered an empty body");
                case HttpStatusCode.MisdirectedRequest:
                    return new ForwardResult(ForwardStatus.NotOwner, Detail: "the silo does not own the grain in its view");
                case HttpStatusCode.ServiceUnavailable:
                    return new ForwardResult(ForwardStatus.NotServing, Detail: "the silo is leaving or fenced");
                case HttpStatusCode.Unauthorized:
                    return new ForwardResult(ForwardStatus.Rejected, Detail: "the silo refused the cluster key; every silo needs the same Uploads:Cluster:Key");
                default:
                    return new ForwardResult(ForwardStatus.Rejected, Detail: $"the silo answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(timeout.Token)}");
            }
        }
        catch (HttpRequestException exception) when (exception.HttpRequestError is HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError)
        {
            return new ForwardResult(ForwardStatus.Unreachable, Detail: exception.Message);
        }
        catch (HttpRequestException exception)
        {
            return new ForwardResult(ForwardStatus.Broken, Detail: exception.Message);
        }
        catch (JsonException exception)
        {
            return new ForwardResult(ForwardStatus.Broken, Detail: $"the owner's answer cannot be read: {exception.Message}");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new ForwardResult(ForwardStatus.TimedOut, Detail: $"no answer within {_options.ForwardTimeout}");
        }
    }

    public void Dispose() => _http.Dispose();

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var connected = false;
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_connectTimeout);
        try
        {
            await socket.ConnectAsync(context.DnsEndPoint, timeout.Token);
            connected = true;
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // A connect timeout, told apart from a cancelled call: the handler reports it as a connection error.
            throw new SocketException((int)SocketError.TimedOut);
        }
        finally
        {
            if (!connected)
            {
                socket.Dispose();
            }
        }
    }
}
