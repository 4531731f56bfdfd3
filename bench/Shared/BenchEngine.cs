using Sync.Engine.Changes;
using Sync.Engine.Connectors;
using Sync.Storage;

namespace Sync.Benchmarks;

/// <summary>
/// The sync engine over real stores for one benchmark process: tables and containers of a prefix of their own
/// on the Azurite that bench/run.sh starts (SYNC_BENCH_STORAGE), deleted again on disposal.
/// </summary>
internal sealed class BenchEngine : IAsyncDisposable
{
    private readonly StorageAccount _account;

    private BenchEngine(StorageAccount account)
    {
        _account = account;
        Blobs = new AzureBlobStore(account);
        Log = new TableChangesetLog(account);
        Synchronizer = new FileSynchronizer(Blobs, Log, ConnectorRegistry.Default);
        Pusher = new ChangesetPusher(Blobs, Log);
    }

    public AzureBlobStore Blobs { get; }

    public TableChangesetLog Log { get; }

    public FileSynchronizer Synchronizer { get; }

    public ChangesetPusher Pusher { get; }

    public static async Task<BenchEngine> CreateAsync(string prefix)
    {
        string storage = Environment.GetEnvironmentVariable("SYNC_BENCH_STORAGE") is { Length: > 0 } s ? s : "UseDevelopmentStorage=true";
        var account = new StorageAccount(new StorageOptions { ConnectionString = storage, Prefix = prefix + Guid.NewGuid().ToString("N")[..8] });
        await account.EnsureCreatedAsync(CancellationToken.None);
        return new BenchEngine(account);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (string table in _account.Names.Tables)
        {
            await _account.Tables.DeleteTableAsync(table);
        }

        foreach (string container in _account.Names.Containers)
        {
            await _account.Container(container).DeleteIfExistsAsync();
        }
    }
}
