using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Orleans.Serialization;
using Orleans.Storage;
using Uploads.Storage.FileSystem;

namespace Uploads.Storage.Tests.FileSystem;

/// <summary>The file-system Orleans grain storage against a real data folder: conditional writes, entity tags, keys.</summary>
public sealed class FileSystemGrainStorageTests : IDisposable
{
    private static readonly GrainId s_grain = GrainId.Create("upload", "dGVuYW50/01ARZ3NDEKTSV4RRFFQ69G5FAV");

    private readonly TemporaryDirectory _root = new();

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task Read_NothingStored_IsNewStateWithoutRecordOrETag()
    {
        var state = new GrainState<Counter>();

        await CreateStorage().ReadStateAsync("counters", s_grain, state);

        Assert.False(state.RecordExists);
        Assert.Null(state.ETag);
        Assert.Equal(0, state.State!.Value);
    }

    [Fact]
    public async Task Write_ThenRead_RoundTripsStateAndETag()
    {
        var storage = CreateStorage();
        var written = new GrainState<Counter>(new Counter { Value = 7, Name = "seven" });

        await storage.WriteStateAsync("counters", s_grain, written);
        var read = new GrainState<Counter>();
        await CreateStorage().ReadStateAsync("counters", s_grain, read);

        Assert.True(written.RecordExists);
        Assert.NotNull(written.ETag);
        Assert.Equal((true, written.ETag, 7, "seven"), (read.RecordExists, read.ETag, read.State!.Value, read.State!.Name));
    }

    [Fact]
    public async Task Write_EveryVersion_GetsANewETag()
    {
        var storage = CreateStorage();
        var state = new GrainState<Counter>(new Counter { Value = 1 });
        await storage.WriteStateAsync("counters", s_grain, state);
        var first = state.ETag;

        state.State!.Value = 2;
        await storage.WriteStateAsync("counters", s_grain, state);

        Assert.NotEqual(first, state.ETag);
    }

    [Fact]
    public async Task Write_StaleETag_IsInconsistentAndKeepsTheOtherVersion()
    {
        // Two activations (two silos on one folder) read the same version; the second to write loses.
        var (first, second) = (CreateStorage(), CreateStorage());
        await first.WriteStateAsync("counters", s_grain, new GrainState<Counter>(new Counter { Value = 1 }));
        var a = new GrainState<Counter>();
        var b = new GrainState<Counter>();
        await first.ReadStateAsync("counters", s_grain, a);
        await second.ReadStateAsync("counters", s_grain, b);

        a.State!.Value = 2;
        await first.WriteStateAsync("counters", s_grain, a);
        b.State!.Value = 3;
        var error = await Assert.ThrowsAsync<InconsistentStateException>(() => second.WriteStateAsync("counters", s_grain, b));

        var stored = new GrainState<Counter>();
        await first.ReadStateAsync("counters", s_grain, stored);
        Assert.Equal(2, stored.State!.Value);
        Assert.IsType<StorageException>(error.InnerException);
    }

    [Fact]
    public async Task Write_WithoutETagOverAStoredRecord_IsInconsistent()
    {
        var storage = CreateStorage();
        await storage.WriteStateAsync("counters", s_grain, new GrainState<Counter>(new Counter { Value = 1 }));

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.WriteStateAsync("counters", s_grain, new GrainState<Counter>(new Counter { Value = 9 })));
    }

    [Fact]
    public async Task Clear_CurrentETag_DeletesTheRecord_StaleETag_IsInconsistent()
    {
        var storage = CreateStorage();
        var state = new GrainState<Counter>(new Counter { Value = 1 });
        await storage.WriteStateAsync("counters", s_grain, state);
        var stale = new GrainState<Counter> { ETag = state.ETag };
        state.State!.Value = 2;
        await storage.WriteStateAsync("counters", s_grain, state);

        await Assert.ThrowsAsync<InconsistentStateException>(() => storage.ClearStateAsync("counters", s_grain, stale));
        await storage.ClearStateAsync("counters", s_grain, state);

        var read = new GrainState<Counter>();
        await storage.ReadStateAsync("counters", s_grain, read);
        Assert.False(read.RecordExists);
        Assert.Null(state.ETag);
    }

    [Fact]
    public async Task Write_StatesOfOneGrainAndGrainsOfOneState_AreKeptApart()
    {
        var storage = CreateStorage();
        var other = GrainId.Create("upload", "dGVuYW50/01ARZ3NDEKTSV4RRFFQ69G5FAW");
        await storage.WriteStateAsync("manifest", s_grain, new GrainState<Counter>(new Counter { Value = 1 }));
        await storage.WriteStateAsync("page-00000", s_grain, new GrainState<Counter>(new Counter { Value = 2 }));
        await storage.WriteStateAsync("manifest", other, new GrainState<Counter>(new Counter { Value = 3 }));

        var values = new List<int>();
        foreach (var (name, grain) in new[] { ("manifest", s_grain), ("page-00000", s_grain), ("manifest", other) })
        {
            var read = new GrainState<Counter>();
            await storage.ReadStateAsync(name, grain, read);
            values.Add(read.State!.Value);
        }

        Assert.Equal([1, 2, 3], values);
    }

    [Theory]
    [InlineData("plain-key")]
    [InlineData("with spaces and ünïcode")]
    [InlineData("~looks-encoded")]
    [InlineData("../escape")]
    public void KeyOf_AnyGrainKey_IsOneValidStorageNameUnderTheStateName(string key)
    {
        var name = FileSystemGrainStorage.KeyOf("state", GrainId.Create("kind", key));

        Assert.True(StorageNames.IsValidName(name));
        Assert.StartsWith("state/kind/", name, StringComparison.Ordinal);
        Assert.NotEqual(name, FileSystemGrainStorage.KeyOf("state", GrainId.Create("kind", "~" + StorageNames.EncodeSegment(key))));
    }

    private FileSystemGrainStorage CreateStorage() => new(
        "test",
        new FileSystemGrainStateStore(new FileSystemStorageOptions { Root = _root.Path }, TimeProvider.System, NullLogger<FileSystemGrainStateStore>.Instance),
        new SystemTextJsonGrainStorageSerializer(Options.Create(new SystemTextJsonGrainStorageSerializerOptions())));

    public sealed class Counter
    {
        public int Value { get; set; }

        public string Name { get; set; } = "";
    }
}
