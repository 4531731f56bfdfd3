namespace Sync.Http.Api;

/// <summary>How long the Storage API's blob URLs stay valid (section <c>StorageApi</c>).</summary>
public sealed class StorageUploadOptions
{
    public const string Section = "StorageApi";

    /// <summary>An upload URL (write-only, one staging blob); long enough for a large block upload.</summary>
    public TimeSpan UploadUrlLifetime { get; set; } = TimeSpan.FromHours(2);

    /// <summary>A download URL (read-only, one version blob) that <c>/download</c> redirects to.</summary>
    public TimeSpan DownloadUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);
}
