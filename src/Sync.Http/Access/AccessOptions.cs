namespace Sync.Http.Access;

/// <summary>How roles are looked up and how data from before access control gets its owner (section <c>Access</c>).</summary>
public sealed class AccessOptions
{
    public const string Section = "Access";

    /// <summary>
    /// How long a role (or the absence of one) is taken from memory. Membership changes made through this host are
    /// seen at once; changes made through another host sharing the storage account are seen within this time.
    /// </summary>
    public TimeSpan RoleCacheDuration { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The most roles and resource-to-iTwin facts held in memory.</summary>
    public int CacheEntries { get; set; } = 100_000;

    /// <summary>
    /// A user id (the token's <c>sub</c>): at start-up, every iTwin that iModels or files refer to but that has no
    /// record (data from before access control) is recorded with this user as its Owner. Empty: nothing is adopted.
    /// </summary>
    public string? AdoptUnownedITwinsAs { get; set; }
}
