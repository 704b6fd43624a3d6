using System.Text;

namespace Uploads.Storage.Tests;

/// <summary>
/// What every <see cref="IGrainStateStore"/> must do. A provider's test class derives from this one and only says how
/// to make the store; every test uses keys under a prefix of its own, so the suite also runs against shared storage.
/// </summary>
public abstract class GrainStateStoreContractTests
{
    private readonly string _prefix = $"contract/{Guid.NewGuid():N}/";
    private IGrainStateStore? _store;

    /// <summary>The store under test, made on first use; xunit makes a new test class instance for every test.</summary>
    protected IGrainStateStore Store => _store ??= CreateStore();

    /// <summary>Keys under this prefix belong to the running test alone.</summary>
    protected string Prefix => _prefix;

    /// <summary>Makes the store under test.</summary>
    protected abstract IGrainStateStore CreateStore();

    [Fact]
    public async Task Read_Missing_ReturnsNull()
    {
        Assert.Null(await Store.ReadAsync(Key("missing")));
    }

    [Fact]
    public async Task Write_CreateOnlyWhenMissing_CreatesRecord()
    {
        var key = Key("record");

        var etag = await Store.WriteAsync(key, Bytes("v1"), etag: null);

        var entry = await Store.ReadAsync(key);
        Assert.NotNull(entry);
        Assert.Equal("v1", Text(entry));
        Assert.Equal(etag, entry.ETag);
        Assert.False(string.IsNullOrEmpty(etag));
    }

    [Fact]
    public async Task Write_CreateOnlyWhenExists_ThrowsConflictAndKeepsValue()
    {
        var key = Key("record");
        var etag = await Store.WriteAsync(key, Bytes("first"), etag: null);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.WriteAsync(key, Bytes("second"), etag: null));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        await AssertStoredAsync(key, "first", etag);
    }

    [Fact]
    public async Task Write_MatchingETag_ReplacesValueAndChangesETag()
    {
        var key = Key("record");
        var first = await Store.WriteAsync(key, Bytes("v1"), etag: null);

        var second = await Store.WriteAsync(key, Bytes("v2"), first);

        Assert.NotEqual(first, second);
        await AssertStoredAsync(key, "v2", second);
    }

    [Fact]
    public async Task Write_StaleETag_ThrowsConflictAndKeepsValue()
    {
        var key = Key("record");
        var stale = await Store.WriteAsync(key, Bytes("v1"), etag: null);
        var current = await Store.WriteAsync(key, Bytes("v2"), stale);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.WriteAsync(key, Bytes("lost"), stale));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        await AssertStoredAsync(key, "v2", current);
    }

    [Fact]
    public async Task Write_ETagOfMissingRecord_ThrowsConflictAndCreatesNothing()
    {
        var key = Key("record");
        var other = await Store.WriteAsync(Key("other"), Bytes("x"), etag: null);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.WriteAsync(key, Bytes("v1"), other));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        Assert.Null(await Store.ReadAsync(key));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(300_000)]
    public async Task Write_PayloadOfSize_ReadsBackSameBytes(int size)
    {
        var key = Key("record");
        var data = new byte[size];
        Random.Shared.NextBytes(data);

        var etag = await Store.WriteAsync(key, data, etag: null);

        var entry = await Store.ReadAsync(key);
        Assert.NotNull(entry);
        Assert.Equal(data, entry.Data);
        Assert.Equal(etag, entry.ETag);
    }

    [Fact]
    public async Task Delete_MatchingETag_DeletesRecord()
    {
        var key = Key("record");
        var etag = await Store.WriteAsync(key, Bytes("v1"), etag: null);

        await Store.DeleteAsync(key, etag);

        Assert.Null(await Store.ReadAsync(key));
    }

    [Fact]
    public async Task Delete_StaleETag_ThrowsConflictAndKeepsRecord()
    {
        var key = Key("record");
        var stale = await Store.WriteAsync(key, Bytes("v1"), etag: null);
        var current = await Store.WriteAsync(key, Bytes("v2"), stale);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.DeleteAsync(key, stale));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
        await AssertStoredAsync(key, "v2", current);
    }

    [Fact]
    public async Task Delete_ETagOfMissingRecord_ThrowsConflict()
    {
        var key = Key("record");
        var etag = await Store.WriteAsync(key, Bytes("v1"), etag: null);
        await Store.DeleteAsync(key, etag);

        var error = await Assert.ThrowsAsync<StorageException>(() => Store.DeleteAsync(key, etag));

        Assert.Equal(StorageErrorCode.Conflict, error.Code);
    }

    [Fact]
    public async Task Delete_Unconditional_DeletesRecord()
    {
        var key = Key("record");
        await Store.WriteAsync(key, Bytes("v1"), etag: null);

        await Store.DeleteAsync(key, etag: null);

        Assert.Null(await Store.ReadAsync(key));
    }

    [Fact]
    public async Task Delete_UnconditionalOfMissingRecord_Succeeds()
    {
        var key = Key("missing");

        await Store.DeleteAsync(key, etag: null);

        Assert.Null(await Store.ReadAsync(key));
    }

    [Fact]
    public async Task Write_CreateOnlyAfterDelete_CreatesRecordWithNewETag()
    {
        var key = Key("record");
        var old = await Store.WriteAsync(key, Bytes("v1"), etag: null);
        await Store.DeleteAsync(key, old);

        var renewed = await Store.WriteAsync(key, Bytes("v2"), etag: null);

        Assert.NotEqual(old, renewed);
        await AssertStoredAsync(key, "v2", renewed);
    }

    [Fact]
    public async Task ListKeys_Prefix_ReturnsKeysUnderItInOrdinalOrder()
    {
        string[] inside = ["b", "a", "B", "a/x", "a/x/y", "a-b", "a.b", "~z", "_u", "0"];
        foreach (var name in inside)
        {
            await Store.WriteAsync(Key(name), Bytes(name), etag: null);
        }

        // Neighbours that share the prefix's characters but are not under it.
        var outsidePrefix = Prefix.TrimEnd('/');
        await Store.WriteAsync(outsidePrefix, Bytes("self"), etag: null);
        await Store.WriteAsync(outsidePrefix + "x/a", Bytes("sibling"), etag: null);

        var keys = await Store.ListKeysAsync(Prefix, startAfter: null, limit: 100);

        var expected = inside.Select(Key).Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(expected, keys);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    [InlineData(7)]
    [InlineData(100)]
    public async Task ListKeys_PagingWithStartAfter_VisitsEveryKeyOnce(int limit)
    {
        var expected = new List<string>();
        for (var i = 0; i < 12; i++)
        {
            var key = Key(i % 3 == 0 ? $"group{i}/item" : $"item{i:D2}");
            expected.Add(key);
            await Store.WriteAsync(key, Bytes("x"), etag: null);
        }

        var visited = new List<string>();
        string? startAfter = null;
        while (true)
        {
            var page = await Store.ListKeysAsync(Prefix, startAfter, limit);
            Assert.InRange(page.Count, 0, limit);
            if (page.Count == 0)
            {
                break;
            }

            visited.AddRange(page);
            startAfter = page[^1];
        }

        Assert.Equal(expected.Order(StringComparer.Ordinal), visited);
    }

    [Fact]
    public async Task ListKeys_StartAfterBetweenKeys_ReturnsKeysAfterIt()
    {
        foreach (var name in new[] { "a", "c", "e" })
        {
            await Store.WriteAsync(Key(name), Bytes(name), etag: null);
        }

        var keys = await Store.ListKeysAsync(Prefix, Key("b"), limit: 10);

        Assert.Equal([Key("c"), Key("e")], keys);
    }

    [Fact]
    public async Task ListKeys_PrefixWithNoKeys_ReturnsEmpty()
    {
        Assert.Empty(await Store.ListKeysAsync(Prefix + "nothing/", startAfter: null, limit: 10));
    }

    [Fact]
    public async Task ListKeys_DeletedKey_IsNotListed()
    {
        await Store.WriteAsync(Key("kept"), Bytes("x"), etag: null);
        await Store.WriteAsync(Key("gone"), Bytes("x"), etag: null);

        await Store.DeleteAsync(Key("gone"), etag: null);

        Assert.Equal([Key("kept")], await Store.ListKeysAsync(Prefix, startAfter: null, limit: 10));
    }

    [Fact]
    public async Task Write_ConcurrentReadModifyWriteIncrements_LosesNoUpdate()
    {
        const int Writers = 16;
        const int IncrementsEach = 10;
        var key = Key("counter");

        await Task.WhenAll(Enumerable.Range(0, Writers).Select(_ => Task.Run(async () =>
        {
            for (var i = 0; i < IncrementsEach; i++)
            {
                await StateCounter.IncrementAsync(Store, key);
            }
        })));

        Assert.Equal(Writers * IncrementsEach, await StateCounter.ReadAsync(Store, key));
    }

    [Theory]
    [InlineData("")]
    [InlineData("..")]
    [InlineData("a//b")]
    [InlineData("a b")]
    [InlineData("/a")]
    [InlineData("a/")]
    [InlineData("a/./b")]
    [InlineData("a\\b")]
    public async Task AllOperations_InvalidKey_ThrowArgumentException(string key)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ReadAsync(key));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.WriteAsync(key, Bytes("x"), etag: null));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.DeleteAsync(key, etag: null));
    }

    [Theory]
    [InlineData("a")]
    [InlineData("a//")]
    [InlineData("/")]
    [InlineData("../")]
    [InlineData("a b/")]
    public async Task ListKeys_InvalidPrefix_ThrowsArgumentException(string prefix)
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ListKeysAsync(prefix, startAfter: null, limit: 10));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public async Task ListKeys_LimitBelowOne_ThrowsArgumentOutOfRange(int limit)
    {
        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => Store.ListKeysAsync(Prefix, startAfter: null, limit));
    }

    protected string Key(string name) => Prefix + name;

    protected static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    private static string Text(StateEntry entry) => Encoding.UTF8.GetString(entry.Data);

    private async Task AssertStoredAsync(string key, string expected, string expectedETag, CancellationToken cancellationToken = default)
    {
        var entry = await Store.ReadAsync(key, cancellationToken);
        Assert.NotNull(entry);
        Assert.Equal(expected, Text(entry));
        Assert.Equal(expectedETag, entry.ETag);
    }
}
