using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.RegularExpressions;
using Sync.Durable.Downloads;
using Sync.Durable.Resync;
using Sync.Engine.Runs;
using Sync.Http.Access;
using Sync.Http.Api;
using Sync.Http.Auth;
using Sync.Http.Grants;
using Sync.Http.Routing;
using Sync.Storage;

namespace Infra.Tests;

/// <summary>
/// The Functions app's configuration, three ways: the keys its code reads (the option types it binds, and the few
/// keys read by name), <c>local.settings.sample.json</c>, and the app settings <c>infra/main.bicep</c> deploys. Each
/// key the code reads is in both files (unless an exception below says why not), and each setting in either file
/// is one the code, the Functions host or the platform reads.
/// </summary>
[TestClass]
public sealed partial class AppSettingsTests
{
    /// <summary>Read by the Functions host, the Azure SDKs or the platform rather than by our code.</summary>
    private static readonly string[] PlatformPrefixes =
        ["AzureWebJobsStorage", "FUNCTIONS_", "APPLICATIONINSIGHTS_", "AZURE_CLIENT_ID", "WEBSITE_"];

    /// <summary>Keys the code reads that Azure does not get, and why.</summary>
    private static readonly Dictionary<string, string> NotInAzure = new()
    {
        ["Storage:ConnectionString"] = "Azure reaches storage by identity (Storage:TableServiceUri/BlobServiceUri)",
        ["Auth:DevIssuer"] = "development tokens exist only on the local host in Development",
        ["Auth:DevSigningKey"] = "development tokens exist only on the local host in Development",
        ["Auth:DevTokenLifetime"] = "development tokens exist only on the local host in Development",
        ["Auth:AllowDevTokens"] = "set by code, never by configuration",
        ["Downloads:AllowedAddresses"] = "the only way around the download address check: empty in Azure",
        ["Resync:ScanInterval"] = "the local host's container scan; Azure has the Event Grid blob trigger",
        ["Cors:AllowedOrigins"] = "a list, one setting per origin (Cors__AllowedOrigins__0, …), added for the browser apps a deployment serves (docs/deployment.md)",
        ["DataProtection:CertificateFile"] = "self-hosting without Key Vault; Azure reads the certificate from the vault",
        ["DataProtection:CertificatePassword"] = "self-hosting without Key Vault; Azure reads the certificate from the vault",
    };

    /// <summary>Keys the code reads that the local settings sample leaves out, and why.</summary>
    private static readonly Dictionary<string, string> NotInSample = new()
    {
        ["Storage:TableServiceUri"] = "Azurite is reached with the connection string",
        ["Storage:BlobServiceUri"] = "Azurite is reached with the connection string",
        ["Auth:DevIssuer"] = "the Functions app never accepts development tokens",
        ["Auth:DevSigningKey"] = "the Functions app never accepts development tokens",
        ["Auth:DevTokenLifetime"] = "the Functions app never accepts development tokens",
        ["Auth:AllowDevTokens"] = "set by code, never by configuration",
        ["Downloads:AllowedAddresses"] = "a list, empty unless a test server needs it",
        ["Resync:ScanInterval"] = "the local host's container scan; the Functions app has the blob trigger",
        ["Cors:AllowedOrigins"] = "a list, empty unless browser apps call the API",
        ["DataProtection:CertificateFile"] = "self-hosting without Key Vault; the Functions app reads the certificate from the vault",
        ["DataProtection:CertificatePassword"] = "self-hosting without Key Vault; the Functions app reads the certificate from the vault",
    };

    /// <summary>Every key the Functions app's code reads.</summary>
    public static IReadOnlyList<string> CodeKeys { get; } =
    [
        .. OptionKeys(typeof(StorageOptions), StorageOptions.Section),
        .. OptionKeys(typeof(AuthOptions), AuthOptions.Section),
        .. OptionKeys(typeof(RunOptions), RunOptions.Section),
        .. OptionKeys(typeof(DownloadOptions), DownloadOptions.Section),
        .. OptionKeys(typeof(ResyncOptions), ResyncOptions.Section),
        .. OptionKeys(typeof(AccessOptions), AccessOptions.Section),
        .. OptionKeys(typeof(UserGrantOptions), UserGrantOptions.Section),
        .. OptionKeys(typeof(CorsSettings), CorsSettings.Section),
        .. OptionKeys(typeof(KeyRingProtection), KeyRingProtection.Section),
        .. OptionKeys(typeof(RateLimitSettings), RateLimitSettings.Section),
        .. OptionKeys(typeof(StorageUploadOptions), StorageUploadOptions.Section),
        "Engine:CacheDirectory",
        "Engine:IndexCheckpointOperations",
        // The blob trigger's container name and connection (SyncFunctions.ResyncFunctions).
        "FilesContainerName",
        "FilesStorage",
    ];

    [TestMethod]
    public void Every_key_the_code_reads_is_in_the_local_settings_sample_and_every_sample_setting_is_read()
    {
        var sample = SampleSettings();
        AssertCovers(sample, NotInSample, "local.settings.sample.json");
        AssertAllKnown(sample, "local.settings.sample.json");
    }

    [TestMethod]
    public async Task Every_key_the_code_reads_is_deployed_by_the_template_and_every_deployed_setting_is_read()
    {
        var deployed = await DeployedSettingsAsync();
        AssertCovers(deployed, NotInAzure, "infra/main.bicep");
        AssertAllKnown(deployed, "infra/main.bicep");
        Assert.IsFalse(deployed.Any(s => s.Contains("ConnectionString", StringComparison.OrdinalIgnoreCase) && !s.StartsWith("APPLICATIONINSIGHTS_", StringComparison.Ordinal)), "no storage connection strings or keys in Azure");
        CollectionAssert.IsSubsetOf(new[] { "AzureWebJobsStorage__accountName", "AzureWebJobsStorage__credential", "AzureWebJobsStorage__clientId", "FilesStorage__credential", "FilesStorage__clientId" }, deployed.ToList(), "host, task hub and trigger storage by identity");
    }

    private static void AssertCovers(IReadOnlySet<string> settings, Dictionary<string, string> exceptions, string where)
    {
        var missing = CodeKeys.Where(key => !exceptions.ContainsKey(key) && !settings.Any(s => Matches(s, key))).ToList();
        Assert.IsEmpty(missing, $"read by the code but not in {where}: {string.Join(", ", missing)}");
        var stale = exceptions.Keys.Where(key => !CodeKeys.Contains(key)).ToList();
        Assert.IsEmpty(stale, $"exceptions for keys the code no longer reads: {string.Join(", ", stale)}");
    }

    private static void AssertAllKnown(IReadOnlySet<string> settings, string where)
    {
        var unknown = settings.Where(s => !PlatformPrefixes.Any(p => s.StartsWith(p, StringComparison.Ordinal)) && !CodeKeys.Any(key => Matches(s, key))).ToList();
        Assert.IsEmpty(unknown, $"in {where} but read by nothing: {string.Join(", ", unknown)}");
    }

    /// <summary>A setting spells key <c>A:B</c> as <c>A__B</c>; a connection's settings may add <c>__property</c>.</summary>
    private static bool Matches(string setting, string key)
    {
        string spelled = key.Replace(":", "__", StringComparison.Ordinal);
        return setting == spelled || (key.IndexOf(':', StringComparison.Ordinal) < 0 && setting.StartsWith(spelled + "__", StringComparison.Ordinal));
    }

    private static IEnumerable<string> OptionKeys(Type options, string section) =>
        options.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Where(p => p.CanWrite || (p.PropertyType != typeof(string) && typeof(IEnumerable).IsAssignableFrom(p.PropertyType)))
            .Select(p => $"{section}:{p.Name}");

    private static HashSet<string> SampleSettings()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(Repository.PathOf("local.settings.sample.json")));
        return document.RootElement.GetProperty("Values").EnumerateObject().Select(p => p.Name).ToHashSet();
    }

    private static async Task<HashSet<string>> DeployedSettingsAsync()
    {
        var (exit, template, errors) = await Repository.RunAsync(Repository.Bicep, ["build", "infra/main.bicep", "--stdout"]);
        Assert.AreEqual(0, exit, errors);
        // Settings whose values reference resources are inlined into the site's expression; their names stay literals.
        var names = SettingName().Matches(template).Select(m => m.Groups[1].Value).ToHashSet();
        using var document = JsonDocument.Parse(template);
        foreach (var setting in document.RootElement.GetProperty("variables").GetProperty("premiumSettings").EnumerateArray())
        {
            names.Add(setting.GetProperty("name").GetString()!);
        }

        Assert.IsNotEmpty(names, "the template's app settings were not found");
        return names;
    }

    [GeneratedRegex(@"createObject\('name', '([^']+)', 'value'")]
    private static partial Regex SettingName();
}
