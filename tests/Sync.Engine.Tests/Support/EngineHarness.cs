using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Engine.Index;
using Sync.Engine.Stores;
using Sync.Storage;
using Sync.Testing;

namespace Sync.Engine.Tests.Support;

/// <summary>The engine wired to the real stores on Azurite (tables and containers of this test run).</summary>
[TestClass]
public static class EngineHarness
{
    private static StorageAccount? _account;

    internal static StorageAccount Account => _account ?? throw new InvalidOperationException("Storage was not initialised.");

    internal static IBlobStore Blobs => new AzureBlobStore(Account);

    internal static IChangesetLog Log => new TableChangesetLog(Account);

    [AssemblyInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        _ = context;
        _account = new StorageAccount(new StorageOptions { ConnectionString = TestStorage.ConnectionString, Prefix = TestStorage.NewPrefix("e") });
        await _account.EnsureCreatedAsync(CancellationToken.None);
    }

    internal static FileSynchronizer Synchronizer(ConnectorRegistry? registry = null, Runs.RunOptions? options = null) => new(Blobs, Log, registry ?? ConnectorRegistry.Default, options);

    internal static ChangesetPusher Pusher() => new(Blobs, Log);

    internal static ElementIndex NewIndex() => new(Blobs, Log, Path.Combine(Path.GetTempPath(), "sync-index-tests", Guid.NewGuid().ToString("N")));

    /// <summary>A request for a file whose content is <paramref name="bytes"/>; its marker is their SHA-256.</summary>
    internal static FileSyncRequest Request(Guid iModelId, string runId, string sourceFileId, string fileName, byte[] bytes, string connectorType = "PSEXCEL", IReadOnlyDictionary<string, string>? settings = null) =>
        new(iModelId, runId, sourceFileId, fileName, connectorType, Convert.ToHexStringLower(SHA256.HashData(bytes)), _ => Task.FromResult<Stream>(new MemoryStream(bytes)), settings);

    internal static FileSyncRequest Csv(Guid iModelId, string runId, string sourceFileId, string csv, string fileName = "assets.csv") =>
        Request(iModelId, runId, sourceFileId, fileName, Encoding.UTF8.GetBytes(csv));

    /// <summary>The lines of a changeset, parsed, in order.</summary>
    internal static async Task<List<JsonElement>> ChangesetLinesAsync(ChangesetRecord changeset)
    {
        await using var stream = ChangesetContent.OpenLines(Blobs, changeset);
        using var reader = new StreamReader(stream, Encoding.UTF8);
        var lines = new List<JsonElement>();
        while (await reader.ReadLineAsync() is { } line)
        {
            lines.Add(JsonDocument.Parse(line).RootElement.Clone());
        }

        return lines;
    }

    /// <summary>Synchronizes files and pushes the run; returns the per-file results and what was committed.</summary>
    internal static async Task<(IReadOnlyList<FileSyncResult> Files, RunCommit Commit)> RunAsync(Guid iModelId, string runId, params FileSyncRequest[] requests)
    {
        var synchronizer = Synchronizer();
        var results = new List<FileSyncResult>();
        foreach (var request in requests)
        {
            results.Add(await synchronizer.SynchronizeAsync(request, CancellationToken.None));
        }

        var staged = results.Where(r => r.Staged is not null).Select(r => r.Staged!).ToList();
        var unreadable = results.Where(r => r.Unreadable is not null).Select(r => r.Unreadable!).ToList();
        var commit = await Pusher().PushAsync(new PushRequest(iModelId, runId, "connection-1", staged) { Unreadable = unreadable }, CancellationToken.None);
        return (results, commit);
    }
}
