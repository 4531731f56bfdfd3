namespace Sync.LocalHost.Tests;

/// <summary>One local host for the tests of this assembly that do not need their own.</summary>
[TestClass]
public static class SharedHost
{
    private static RunningHost? _host;

    internal static RunningHost Host => _host ?? throw new InvalidOperationException("The shared host did not start.");

    /// <summary>Files above this size are refused by the shared host, so the limit can be tested cheaply.</summary>
    internal const long MaxFileBytes = 4 * 1024 * 1024;

    [AssemblyInitialize]
    public static async Task StartAsync(TestContext context)
    {
        _ = context;
        _host = await RunningHost.StartHealthyAsync($"--Storage:MaxFileBytes={MaxFileBytes}");
    }

    [AssemblyCleanup]
    public static async Task StopAsync()
    {
        if (_host is not null)
        {
            await _host.DisposeAsync();
        }
    }
}
