using System.Security.Claims;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Sync.Engine.Caching;
using Sync.Http.Infrastructure;

namespace Sync.Http.Auth;

/// <summary>
/// Validates <c>Authorization: Bearer</c> JWTs (and, in development, mints them). The same validation code
/// checks development tokens and production OIDC tokens; only the signing keys and issuer differ.
/// </summary>
public sealed class TokenService
{
    private const int MaxRememberedTokens = 10_000;
    private readonly JsonWebTokenHandler _handler = new();

    // Tokens found valid, by their text: a client sends the same token with every request, and checking its signature
    // (RS256 for an identity provider's tokens) is the costliest step of a read. Each is trusted until it expires or
    // for at most KeyRefreshInterval, the longest a withdrawn signing key is trusted anyway.
    private readonly KeptValues<string, (Caller Caller, DateTime Until)> _valid = new(MaxRememberedTokens, StringComparer.Ordinal);
    private readonly AuthOptions _options;
    private readonly SymmetricSecurityKey? _devKey;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _oidc;
    private long _lastKeyRefreshTicks;

    public TokenService(AuthOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        if (options.AllowDevTokens && !string.IsNullOrEmpty(options.DevSigningKey))
        {
            byte[] key = Encoding.UTF8.GetBytes(options.DevSigningKey);
            if (key.Length < 32)
            {
                throw new InvalidOperationException("Auth:DevSigningKey must be at least 32 bytes long.");
            }

            _devKey = new SymmetricSecurityKey(key);
        }

        if (!string.IsNullOrEmpty(options.Authority))
        {
            string metadata = options.Authority.TrimEnd('/') + "/.well-known/openid-configuration";
            _oidc = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = options.RequireHttpsMetadata })
            {
                RefreshInterval = options.KeyRefreshInterval < ConfigurationManager<OpenIdConnectConfiguration>.MinimumRefreshInterval
                    ? ConfigurationManager<OpenIdConnectConfiguration>.MinimumRefreshInterval
                    : options.KeyRefreshInterval,
            };
        }
    }

    public bool CanMint => _devKey is not null;

    /// <summary>Checks the Authorization header; throws 401 with the spec's codes (and an RFC 6750 challenge) when it is missing or not a valid token.</summary>
    public async Task<Caller> AuthenticateAsync(string? authorizationHeader)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            throw Challenge(ErrorCodes.HeaderNotFound, "Header Authorization was not found in the request. Access denied.", error: null);
        }

        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorizationHeader.Length == scheme.Length)
        {
            throw Challenge(ErrorCodes.InvalidAuthorizationScheme, "The Authorization header must use the Bearer scheme: 'Authorization: Bearer <token>'.", "invalid_request");
        }

        string token = authorizationHeader[scheme.Length..].Trim();
        if (_valid.TryGet(token, out var known))
        {
            if (known.Until > DateTime.UtcNow)
            {
                return known.Caller;
            }

            _valid.Forget(token);
        }

        for (int attempt = 0; attempt < 2; attempt++)
        {
            bool unknownKey = false;
            foreach (var parameters in await ValidationParametersAsync())
            {
                var result = await _handler.ValidateTokenAsync(token, parameters);
                if (result.IsValid)
                {
                    string? userId = result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value
                        ?? result.ClaimsIdentity.FindFirst("oid")?.Value;
                    if (!string.IsNullOrEmpty(userId))
                    {
                        var caller = new Caller(userId, result.ClaimsIdentity.FindFirst("name")?.Value) { Scopes = ScopesOf(result.ClaimsIdentity) };
                        Remember(token, caller, result.SecurityToken.ValidTo);
                        return caller;
                    }
                }
                else if (result.Exception is SecurityTokenExpiredException)
                {
                    throw Challenge(ErrorCodes.Unauthorized, "The access token has expired. Access denied.", "invalid_token");
                }
                else if (result.Exception is SecurityTokenSignatureKeyNotFoundException && parameters.IssuerSigningKey is null)
                {
                    unknownKey = true;
                }
            }

            if (!unknownKey || _oidc is null || !ClaimKeyRefresh())
            {
                break;
            }

            // Signed with a key the cached metadata does not have: the issuer may have rotated its keys. Fetch them
            // again (at most once per Auth:KeyRefreshInterval) and try once more.
            await RefreshKeysAsync(_oidc);
        }

        throw Challenge(ErrorCodes.Unauthorized, "The access token is invalid. Access denied.", "invalid_token");
    }

    /// <summary>
    /// Whether this request may force a fetch of the issuer's keys: one per <see cref="AuthOptions.KeyRefreshInterval"/>,
    /// so tokens naming made-up keys cannot make every request wait for a refresh.
    /// </summary>
    private bool ClaimKeyRefresh()
    {
        long now = DateTime.UtcNow.Ticks;
        long last = Interlocked.Read(ref _lastKeyRefreshTicks);
        return now - last >= _options.KeyRefreshInterval.Ticks && Interlocked.CompareExchange(ref _lastKeyRefreshTicks, now, last) == last;
    }

    /// <summary>
    /// Asks for the issuer's metadata again and waits (briefly) for it: the configuration manager refreshes in the
    /// background, and does not at all within <see cref="AuthOptions.KeyRefreshInterval"/> of its last forced refresh.
    /// </summary>
    private static async Task RefreshKeysAsync(ConfigurationManager<OpenIdConnectConfiguration> oidc)
    {
        var before = await oidc.GetConfigurationAsync(CancellationToken.None);
        oidc.RequestRefresh();
        for (int wait = 0; wait < 20; wait++)
        {
            if (!ReferenceEquals(await oidc.GetConfigurationAsync(CancellationToken.None), before))
            {
                return;
            }

            await Task.Delay(50);
        }
    }

    /// <summary>403 unless the caller's token grants the scope the request's method needs (reads: GET and HEAD).</summary>
    public void RequireScope(Caller caller, string method)
    {
        ArgumentNullException.ThrowIfNull(caller);
        string scope = HttpMethods.IsGet(method) || HttpMethods.IsHead(method) ? _options.ReadScope : _options.WriteScope;
        if (scope.Length > 0 && !caller.Scopes.Contains(scope))
        {
            throw new ApiException(System.Net.HttpStatusCode.Forbidden, ErrorCodes.RequiredScopeMissing, $"The access token does not grant the scope '{scope}' this request needs.")
            {
                Challenge = $"Bearer error=\"insufficient_scope\", scope=\"{scope}\"",
            };
        }
    }

    private static ApiException Challenge(string code, string message, string? error) =>
        new(System.Net.HttpStatusCode.Unauthorized, code, message)
        {
            Challenge = error is null ? "Bearer" : $"Bearer error=\"{error}\", error_description=\"{message}\"",
        };

    /// <summary>The scopes of a token: Entra's <c>scp</c> or OAuth's <c>scope</c> claim, space-separated.</summary>
    private static HashSet<string> ScopesOf(ClaimsIdentity identity) =>
        identity.FindAll(c => c.Type is "scp" or "scope")
            .SelectMany(c => c.Value.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet(StringComparer.Ordinal);

    /// <summary>A development token for <paramref name="userId"/>; only when development tokens are allowed.</summary>
    public string Mint(string userId, string? name)
    {
        if (_devKey is null)
        {
            throw new InvalidOperationException("Development tokens are not enabled.");
        }

        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, userId) };
        string scopes = string.Join(' ', new[] { _options.ReadScope, _options.WriteScope }.Where(s => s.Length > 0).Distinct(StringComparer.Ordinal));
        if (scopes.Length > 0)
        {
            claims.Add(new Claim("scp", scopes));
        }

        if (!string.IsNullOrEmpty(name))
        {
            claims.Add(new Claim("name", name));
        }

        return _handler.CreateToken(new SecurityTokenDescriptor
        {
            Issuer = _options.DevIssuer,
            Audience = _options.Audience,
            Subject = new ClaimsIdentity(claims),
            Expires = DateTime.UtcNow.Add(_options.DevTokenLifetime),
            SigningCredentials = new SigningCredentials(_devKey, SecurityAlgorithms.HmacSha256),
        });
    }

    private void Remember(string token, Caller caller, DateTime expires)
    {
        var until = DateTime.UtcNow.Add(_options.KeyRefreshInterval);
        if (expires > DateTime.MinValue && expires < until)
        {
            until = expires; // never beyond its own expiry (validation allows some clock skew past it; this does not)
        }

        if (until <= DateTime.UtcNow)
        {
            return;
        }

        _valid.Keep(token, (caller, until));
    }

    private async Task<IEnumerable<TokenValidationParameters>> ValidationParametersAsync()
    {
        var list = new List<TokenValidationParameters>(2);
        if (_devKey is not null)
        {
            list.Add(new TokenValidationParameters
            {
                ValidIssuer = _options.DevIssuer,
                ValidAudience = _options.Audience,
                IssuerSigningKey = _devKey,
                ClockSkew = TimeSpan.FromSeconds(30),
            });
        }

        if (_oidc is not null)
        {
            OpenIdConnectConfiguration configuration;
            try
            {
                configuration = await _oidc.GetConfigurationAsync(CancellationToken.None);
            }
            catch (InvalidOperationException e)
            {
                // The identity provider's metadata could not be fetched: not the caller's fault.
                throw new ApiException(System.Net.HttpStatusCode.ServiceUnavailable, "AuthenticationUnavailable", $"Tokens cannot be validated right now: {e.Message}");
            }

            // The issuer's keys (IssuerSigningKeys): a key it no longer or not yet publishes may mean rotation.
            list.Add(new TokenValidationParameters
            {
                ValidIssuer = configuration.Issuer,
                ValidAudience = _options.Audience,
                IssuerSigningKeys = configuration.SigningKeys,
                ClockSkew = TimeSpan.FromMinutes(2),
            });
        }

        return list;
    }
}
