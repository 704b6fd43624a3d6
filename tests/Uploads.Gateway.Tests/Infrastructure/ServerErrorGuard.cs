using System.Net;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>Fails the test on any 500: API.md reserves it for the server's own faults, and no test request is one.</summary>
internal sealed class ServerErrorGuard : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken);
        if (response.StatusCode == HttpStatusCode.InternalServerError)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            Assert.Fail($"{request.Method} {request.RequestUri} answered 500: {body}");
        }

        return response;
    }
}
