using System.Net;
using System.Text.Json;

namespace Uploads.Gateway.Tests.Infrastructure;

/// <summary>Assertions on responses that show the body when the status is not the one expected.</summary>
internal static class HttpResponseMessageExtensions
{
    /// <summary>Asserts the status, then returns the JSON body.</summary>
    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response, HttpStatusCode expected = HttpStatusCode.OK)
    {
        var body = await response.AssertStatusAsync(expected);
        return JsonSerializer.Deserialize<JsonElement>(body);
    }

    /// <summary>Asserts the status and returns the body as text.</summary>
    public static async Task<string> AssertStatusAsync(this HttpResponseMessage response, HttpStatusCode expected)
    {
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != expected)
        {
            Assert.Fail($"{response.RequestMessage?.Method} {response.RequestMessage?.RequestUri}: expected {(int)expected}, got {(int)response.StatusCode}: {body}");
        }

        return body;
    }

    /// <summary>
    /// Asserts an RFC 9457 problem of API.md: <c>application/problem+json</c> with <c>status</c>, <c>title</c>,
    /// <c>detail</c> and the stable <c>code</c>. Returns the problem for assertions on extra members.
    /// </summary>
    public static async Task<JsonElement> AssertProblemAsync(this HttpResponseMessage response, HttpStatusCode status, string code)
    {
        var problem = await response.ReadJsonAsync(status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("detail").GetString()));
        Assert.Equal(code, problem.GetProperty("code").GetString());
        return problem;
    }
}
