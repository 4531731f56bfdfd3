namespace Sync.Http.Grants;

/// <summary>
/// The authorization server that users grant the service offline access at (section <c>UserGrant</c>), so their
/// <c>User</c> connections can run long after their access token expired. Without <see cref="AuthorizeEndpoint"/> and
/// <see cref="TokenEndpoint"/> the service cannot hold grants: every user counts as authorized and <c>User</c>
/// connections run like <c>Service</c> ones (the local default).
/// </summary>
public sealed class UserGrantOptions
{
    public const string Section = "UserGrant";

    /// <summary>The OAuth 2.0 authorization endpoint (e.g. https://login.microsoftonline.com/&lt;tenant&gt;/oauth2/v2.0/authorize).</summary>
    public string? AuthorizeEndpoint { get; set; }

    /// <summary>The OAuth 2.0 token endpoint: authorization codes (with PKCE) and refresh tokens are redeemed there.</summary>
    public string? TokenEndpoint { get; set; }

    public string ClientId { get; set; } = "syncfunctions";

    /// <summary>Confidential clients only; a public client relies on PKCE alone.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>Scopes asked for; must yield a refresh token (offline_access) and an access token for this API.</summary>
    public string Scope { get; set; } = "openid offline_access itwin-platform";

    /// <summary>How long an authorization URL stays usable.</summary>
    public TimeSpan StateLifetime { get; set; } = TimeSpan.FromMinutes(10);

    public bool Enabled => !string.IsNullOrWhiteSpace(AuthorizeEndpoint) && !string.IsNullOrWhiteSpace(TokenEndpoint);
}
