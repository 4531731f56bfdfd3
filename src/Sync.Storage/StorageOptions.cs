namespace Sync.Storage;

/// <summary>
/// Where the service keeps its data. Either <see cref="ConnectionString"/> (Azurite:
/// <c>UseDevelopmentStorage=true</c>) or the two service URIs, which authenticate with DefaultAzureCredential.
/// </summary>
public sealed class StorageOptions
{
    public const string Section = "Storage";

    public string? ConnectionString { get; set; }

    public Uri? TableServiceUri { get; set; }

    public Uri? BlobServiceUri { get; set; }

    /// <summary>Prefix of every table and container name, so several deployments or test runs can share an account.</summary>
    public string Prefix { get; set; } = "sync";

    /// <summary>Largest accepted storage file upload in bytes (default 2 GiB).</summary>
    public long MaxFileBytes { get; set; } = 2L * 1024 * 1024 * 1024;
}
