using Uploads.Storage.AzureBlob;

namespace Uploads.Storage.Tests.AzureBlob;

/// <summary>
/// Shared Key signatures against values computed once by the Azure SDK for JavaScript (@azure/storage-blob 12,
/// StorageSharedKeyCredentialPolicyV2) for the same requests, key and date; pinned here so that they cannot drift
/// with this code.
/// </summary>
public sealed class SharedKeyCredentialTests
{
    private const string DevelopmentKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    // Base64 of "uploads-test-key-0123456789abcdef".
    private const string ProductionKey = "dXBsb2Fkcy10ZXN0LWtleS0wMTIzNDU2Nzg5YWJjZGVm";

    private static readonly DateTimeOffset s_date = new(2026, 11, 22, 8, 30, 15, TimeSpan.Zero);

    public static TheoryData<string, string, string, string, string, string[]> Requests => new()
    {
        {
            "SharedKey devstoreaccount1:mdDUx9Nt7Vo+e5vrDCQ2o4OmL3KwBHwqhqyyScE4YcY=",
            "devstoreaccount1", DevelopmentKey, "PUT",
            "http://127.0.0.1:10000/devstoreaccount1/uploads/dGVuYW50LWE/01JD0000000000000000000000?comp=block&blockid=MDAwMDAtMDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiY2NkZGVlZmY%3D",
            ["x-ms-version: 2026-02-06", "Content-Length: 8388608", "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==", "x-ms-client-request-id: 5f0c5d4e-9c1b-4a39-9d55-0c8b7f2f6a11"]
        },
        {
            "SharedKey myaccount:2c4Q2GJHq7Kxz3SlRmH//3iwuOqx14H7N08aLEPitJk=",
            "myaccount", ProductionKey, "PUT",
            "https://myaccount.blob.core.windows.net/uploads/dGVuYW50LWE/01JD0000000000000000000000?comp=blocklist",
            ["x-ms-version: 2026-02-06", "Content-Length: 123", "Content-Type: application/xml; charset=utf-8", "If-None-Match: *",
                "x-ms-blob-content-type: video/mp4", "x-ms-meta-uploadid: 01JD0000000000000000000000", "x-ms-meta-tenant: acme"]
        },
        {
            "SharedKey myaccount:rZkPR2sfZowinho1H8rr+3Wf9tBuQyK97PX1FCkQjTE=",
            "myaccount", ProductionKey, "GET",
            "https://myaccount.blob.core.windows.net/uploads-state?restype=container&comp=list&prefix=uploads%2FdGVuYW50LWE%2F&startFrom=uploads%2FdGVuYW50LWE%2F01J&maxresults=101&marker=2%21100%21MDAwMDE3",
            ["x-ms-version: 2026-02-06"]
        },
        {
            "SharedKey devstoreaccount1:soEbIZrkwkfyjYIvg6SRK1n+4jgKLf+lEAbtwXDTX5o=",
            "devstoreaccount1", DevelopmentKey, "PUT",
            "http://127.0.0.1:10000/devstoreaccount1/uploads-state/uploads/dGVuYW50LWE/01JD0000000000000000000000",
            ["x-ms-version: 2026-02-06", "Content-Length: 0", "If-Match: \"0x8DD0A1B2C3D4E5F\"", "x-ms-blob-type: BlockBlob", "x-ms-meta-writeid: c0ffee00c0ffee00c0ffee00c0ffee00"]
        },
        {
            "SharedKey myaccount:JWk5MSpLdbzsSdf7hc4+AnRT8j0myQ89Y5oySKD/7RU=",
            "myaccount", ProductionKey, "GET",
            "https://myaccount.blob.core.windows.net/uploads/dGVuYW50LWE/01JD0000000000000000000000",
            ["x-ms-version: 2026-02-06", "x-ms-range: bytes=1000-1999"]
        },
        {
            "SharedKey devstoreaccount1:Se6vKEFtZgvRb7lb/kUDamrPgyXC9jzQ4z8vb4istUc=",
            "devstoreaccount1", DevelopmentKey, "PUT",
            "http://127.0.0.1:10000/devstoreaccount1/uploads?restype=container",
            ["x-ms-version: 2026-02-06", "Content-Length: 0"]
        },
        {
            "SharedKey myaccount:dkLu/voVxTXANdRLXL4ATpMSG6ISj2U6nxTapmbmNyQ=",
            "myaccount", ProductionKey, "DELETE",
            "https://myaccount.blob.core.windows.net/uploads/dGVuYW50LWE/01JD0000000000000000000000",
            ["x-ms-version: 2026-02-06", "If-Match: \"0x8DD0A1B2C3D4E5F\""]
        },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public void Sign_Request_MatchesAzureSdkSignature(string expected, string account, string key, string method, string url, string[] headers)
    {
        using var request = CreateRequest(method, url, headers);

        new SharedKeyCredential(account, Convert.FromBase64String(key)).Sign(request, s_date);

        Assert.Equal(expected, Assert.Single(request.Headers.GetValues("Authorization")));
        Assert.Equal("Sun, 22 Nov 2026 08:30:15 GMT", Assert.Single(request.Headers.GetValues("x-ms-date")));
    }

    [Fact]
    public void BuildStringToSign_PathStyleEndpoint_NamesAccountTwiceAndSortsQueryAndHeaders()
    {
        using var request = CreateRequest(
            "PUT",
            "http://127.0.0.1:10000/devstoreaccount1/uploads/dGVuYW50LWE/01JD0000000000000000000000?comp=block&blockid=MDAwMDAtMDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiY2NkZGVlZmY%3D",
            ["x-ms-version: 2026-02-06", "Content-Length: 8388608", "Content-MD5: 1B2M2Y8AsgTpgAmY7PhCfg==", "x-ms-client-request-id: 5f0c5d4e-9c1b-4a39-9d55-0c8b7f2f6a11"]);
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sun, 22 Nov 2026 08:30:15 GMT");

        var stringToSign = new SharedKeyCredential("devstoreaccount1", Convert.FromBase64String(DevelopmentKey)).BuildStringToSign(request);

        // As the JavaScript SDK built it for the same request.
        Assert.Equal(
            "PUT\n\n\n8388608\n1B2M2Y8AsgTpgAmY7PhCfg==\n\n\n\n\n\n\n\n" +
            "x-ms-client-request-id:5f0c5d4e-9c1b-4a39-9d55-0c8b7f2f6a11\nx-ms-date:Sun, 22 Nov 2026 08:30:15 GMT\nx-ms-version:2026-02-06\n" +
            "/devstoreaccount1/devstoreaccount1/uploads/dGVuYW50LWE/01JD0000000000000000000000\n" +
            "blockid:MDAwMDAtMDAxMTIyMzM0NDU1NjY3Nzg4OTlhYWJiY2NkZGVlZmY=\ncomp:block",
            stringToSign);
    }

    [Fact]
    public void BuildStringToSign_ConditionalListRequest_PutsConditionsInTheirPlacesAndDecodesQuery()
    {
        using var request = CreateRequest(
            "GET",
            "https://myaccount.blob.core.windows.net/uploads-state?restype=container&comp=list&prefix=uploads%2FdGVuYW50LWE%2F&startFrom=uploads%2FdGVuYW50LWE%2F01J&maxresults=101&marker=2%21100%21MDAwMDE3",
            ["x-ms-version: 2026-02-06"]);
        request.Headers.TryAddWithoutValidation("x-ms-date", "Sun, 22 Nov 2026 08:30:15 GMT");

        var stringToSign = new SharedKeyCredential("myaccount", Convert.FromBase64String(ProductionKey)).BuildStringToSign(request);

        Assert.Equal(
            "GET\n\n\n\n\n\n\n\n\n\n\n\nx-ms-date:Sun, 22 Nov 2026 08:30:15 GMT\nx-ms-version:2026-02-06\n/myaccount/uploads-state\n" +
            "comp:list\nmarker:2!100!MDAwMDE3\nmaxresults:101\nprefix:uploads/dGVuYW50LWE/\nrestype:container\nstartfrom:uploads/dGVuYW50LWE/01J",
            stringToSign);
    }

    [Fact]
    public void Sign_TwiceWithDifferentDates_ReplacesDateAndAuthorization()
    {
        using var request = CreateRequest("DELETE", "https://myaccount.blob.core.windows.net/uploads/a", ["x-ms-version: 2026-02-06"]);
        var credential = new SharedKeyCredential("myaccount", Convert.FromBase64String(ProductionKey));

        credential.Sign(request, s_date);
        var first = Assert.Single(request.Headers.GetValues("Authorization"));
        credential.Sign(request, s_date.AddSeconds(1));

        Assert.NotEqual(first, Assert.Single(request.Headers.GetValues("Authorization")));
        Assert.Equal("Sun, 22 Nov 2026 08:30:16 GMT", Assert.Single(request.Headers.GetValues("x-ms-date")));
    }

    private static HttpRequestMessage CreateRequest(string method, string url, string[] headers)
    {
        var request = new HttpRequestMessage(new HttpMethod(method), url);
        long? contentLength = null;
        var contentHeaders = new List<(string Name, string Value)>();
        foreach (var header in headers)
        {
            var colon = header.IndexOf(':', StringComparison.Ordinal);
            var (name, value) = (header[..colon], header[(colon + 1)..].Trim());
            if (name == "Content-Length")
            {
                contentLength = long.Parse(value, System.Globalization.CultureInfo.InvariantCulture);
            }
            else if (name.StartsWith("Content-", StringComparison.Ordinal))
            {
                contentHeaders.Add((name, value));
            }
            else
            {
                Assert.True(request.Headers.TryAddWithoutValidation(name, value), name);
            }
        }

        if (contentLength is not null)
        {
            // The length is what signs; the bytes are never sent.
            request.Content = new ByteArrayContent([]);
            request.Content.Headers.ContentLength = contentLength;
            foreach (var (name, value) in contentHeaders)
            {
                Assert.True(request.Content.Headers.TryAddWithoutValidation(name, value), name);
            }
        }

        return request;
    }
}
