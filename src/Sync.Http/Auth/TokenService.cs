using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using Sync.Http.Infrastructure;

namespace Sync.Http.Auth;

/// <summary>
/// Validates <c>Authorization: Bearer</c> JWTs (and, in development, mints them). The same validation code
/// checks development tokens and production OIDC tokens; only the signing keys and issuer differ.
/// </summary>
public sealed class TokenService
{
    private readonly JsonWebTokenHandler _handler = new();
    private readonly AuthOptions _options;
    private readonly SymmetricSecurityKey? _devKey;
    private readonly ConfigurationManager<OpenIdConnectConfiguration>? _oidc;

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
            _oidc = new ConfigurationManager<OpenIdConnectConfiguration>(metadata, new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = true });
        }
    }

    public bool CanMint => _devKey is not null;

    /// <summary>Checks the Authorization header; throws 401 with the spec's codes when it is missing or not a valid token.</summary>
    public async Task<Caller> AuthenticateAsync(string? authorizationHeader)
    {
        if (string.IsNullOrWhiteSpace(authorizationHeader))
        {
            throw ApiException.Unauthorized(ErrorCodes.HeaderNotFound, "Header Authorization was not found in the request. Access denied.");
        }

        const string scheme = "Bearer ";
        if (!authorizationHeader.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) || authorizationHeader.Length == scheme.Length)
        {
            throw ApiException.Unauthorized(ErrorCodes.InvalidAuthorizationScheme, "The Authorization header must use the Bearer scheme: 'Authorization: Bearer <token>'.");
        }

        string token = authorizationHeader[scheme.Length..].Trim();
        foreach (var parameters in await ValidationParametersAsync())
        {
            var result = await _handler.ValidateTokenAsync(token, parameters);
            if (result.IsValid)
            {
                string? userId = result.ClaimsIdentity.FindFirst(JwtRegisteredClaimNames.Sub)?.Value
                    ?? result.ClaimsIdentity.FindFirst("oid")?.Value;
                if (!string.IsNullOrEmpty(userId))
                {
                    return new Caller(userId, result.ClaimsIdentity.FindFirst("name")?.Value);
                }
            }
            else if (result.Exception is SecurityTokenExpiredException)
            {
                throw ApiException.Unauthorized(ErrorCodes.Unauthorized, "The access token has expired. Access denied.");
            }
        }

        throw ApiException.Unauthorized(ErrorCodes.Unauthorized, "The access token is invalid. Access denied.");
    }

    /// <summary>A development token for <paramref name="userId"/>; only when development tokens are allowed.</summary>
    public string Mint(string userId, string? name)
    {
        if (_devKey is null)
        {
            throw new InvalidOperationException("Development tokens are not enabled.");
        }

        var claims = new List<Claim> { new(JwtRegisteredClaimNames.Sub, userId) };
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
