namespace Sync.Testing;

/// <summary>
/// The Azurite instance the tests run against. ./test.sh starts one on its own ports and passes its
/// connection string in SYNC_TEST_STORAGE; without it the default development storage is used.
/// </summary>
internal static class TestStorage
{
    public static string ConnectionString =>
        Environment.GetEnvironmentVariable("SYNC_TEST_STORAGE") is { Length: > 0 } value ? value : "UseDevelopmentStorage=true";

    /// <summary>A fresh table/container prefix (letters and digits) so every test run has its own data.</summary>
    public static string NewPrefix(string tag) => $"{tag}{Guid.NewGuid():N}"[..Math.Min(tag.Length + 12, 30)];
}
