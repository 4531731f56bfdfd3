using Sync.Testing;

namespace Sync.Storage.Tests;

/// <summary>The real stores on Azurite, in tables and containers of their own for this test run.</summary>
[TestClass]
public static class StorageFixture
{
    private static StorageAccount? _account;

    internal static StorageOptions Options { get; } = new()
    {
        ConnectionString = TestStorage.ConnectionString,
        Prefix = TestStorage.NewPrefix("s"),
        MaxFileBytes = 64 * 1024,
    };

    internal static StorageAccount Account => _account ?? throw new InvalidOperationException("Storage was not initialised.");

    [AssemblyInitialize]
    public static async Task InitializeAsync(TestContext context)
    {
        _ = context;
        _account = new StorageAccount(Options);
        await _account.EnsureCreatedAsync(CancellationToken.None);
    }
}
