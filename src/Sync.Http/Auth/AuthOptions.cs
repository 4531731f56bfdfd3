namespace Sync.Http.Auth;

/// <summary>
/// How bearer tokens are validated. Production: an OpenID Connect <see cref="Authority"/> (Entra ID) whose
/// JWKS signs tokens for <see cref="Audience"/>. Development: tokens minted by the local host's
/// <c>POST /dev/token</c>, signed with <see cref="DevSigningKey"/>; accepted only where the host allows them.
/// </summary>
public sealed class AuthOptions
{
    public const string Section = "Auth";

    public string? Authority { get; set; }

    public string Audience { get; set; } = "syncfunctions";

    public string DevIssuer { get; set; } = "syncfunctions-dev";

    /// <summary>At least 32 characters; development only.</summary>
    public string? DevSigningKey { get; set; }

    /// <summary>Set by the host: true only in the Development environment.</summary>
    public bool AllowDevTokens { get; set; }

    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(8);

    /// <summary>The scope (<c>scp</c> or <c>scope</c> claim) a token needs for reads (GET); empty: none.</summary>
    public string ReadScope { get; set; } = "itwin-platform";

    /// <summary>The scope a token needs for every other method; empty: none.</summary>
    public string WriteScope { get; set; } = "itwin-platform";

    /// <summary>The authority's metadata and keys are fetched over HTTPS only (off only for a local test issuer).</summary>
    public bool RequireHttpsMetadata { get; set; } = true;

    /// <summary>
    /// The shortest time between two fetches of the issuer's keys forced by a token signed with an unknown key
    /// (rotation); also the longest a token found valid is remembered without being checked again.
    /// </summary>
    public TimeSpan KeyRefreshInterval { get; set; } = TimeSpan.FromMinutes(5);
}
