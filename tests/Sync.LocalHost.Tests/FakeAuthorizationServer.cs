using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Sync.LocalHost.Tests;

/// <summary>
/// An OAuth 2.0 / OpenID Connect server on loopback that issues real RS256 tokens: discovery and keys for token
/// validation, an authorization endpoint that signs in <see cref="SignedInUser"/> at once (the browser's part), and
/// a token endpoint that checks PKCE and redeems codes and refresh tokens (rotating them; revocable).
/// </summary>
internal sealed class FakeAuthorizationServer : IAsyncDisposable
{
    public const string ClientId = "sync-tests";

    private readonly WebApplication _app;
    private readonly RSA _rsa = RSA.Create(2048);
    private readonly ConcurrentDictionary<string, (string User, string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, string> _refreshTokens = new();
    private readonly ConcurrentBag<string> _redeemed = [];

    private FakeAuthorizationServer(WebApplication app) => _app = app;

    public string Authority { get; private set; } = string.Empty;

    /// <summary>Who the "browser" is signed in as when it reaches the authorization endpoint.</summary>
    public string SignedInUser { get; set; } = "nobody";

    public int RefreshRedemptions;

    public static async Task<FakeAuthorizationServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        var server = new FakeAuthorizationServer(builder.Build());
        server.Map();
        await server._app.StartAsync();
        server.Authority = server._app.Urls.First();
        return server;
    }

    /// <summary>Every refresh token issued so far stops working (the user revoked the grant).</summary>
    public void RevokeAll()
    {
        foreach (string token in _refreshTokens.Keys)
        {
            _redeemed.Add(token);
        }

        _refreshTokens.Clear();
    }

    /// <summary>Refresh tokens still valid.</summary>
    public IReadOnlyCollection<string> IssuedRefreshTokens => _refreshTokens.Keys.ToList();

    /// <summary>Refresh tokens used up (each redemption rotates the token).</summary>
    public IReadOnlyCollection<string> RedeemedRefreshTokens => _redeemed.ToList();

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }

    private void Map()
    {
        _app.MapGet("/.well-known/openid-configuration", () => Results.Json(new
        {
            issuer = Authority,
            jwks_uri = Authority + "/keys",
            authorization_endpoint = Authority + "/authorize",
            token_endpoint = Authority + "/token",
            id_token_signing_alg_values_supported = new[] { "RS256" },
        }));
        _app.MapGet("/keys", () =>
        {
            var key = _rsa.ExportParameters(includePrivateParameters: false);
            return Results.Json(new { keys = new[] { new { kty = "RSA", use = "sig", alg = "RS256", kid = "k1", n = Base64UrlEncoder.Encode(key.Modulus), e = Base64UrlEncoder.Encode(key.Exponent) } } });
        });
        _app.MapGet("/authorize", (HttpRequest request) =>
        {
            var q = request.Query;
            if (q["client_id"] != ClientId || q["response_type"] != "code" || q["code_challenge_method"] != "S256" || string.IsNullOrEmpty(q["code_challenge"]))
            {
                return Results.BadRequest("bad authorization request");
            }

            string code = Guid.NewGuid().ToString("N");
            _codes[code] = (SignedInUser, q["code_challenge"].ToString(), q["redirect_uri"].ToString());
            return Results.Redirect($"{q["redirect_uri"]}?code={code}&state={Uri.EscapeDataString(q["state"].ToString())}");
        });
        _app.MapPost("/token", async (HttpRequest request) =>
        {
            var form = await request.ReadFormAsync();
            if (form["client_id"] != ClientId)
            {
                return Results.Json(new { error = "invalid_client" }, statusCode: 401);
            }

            string? user = null;
            if (form["grant_type"] == "authorization_code" && _codes.TryRemove(form["code"].ToString(), out var issued))
            {
                string expected = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(form["code_verifier"].ToString())));
                user = expected == issued.Challenge && form["redirect_uri"] == issued.RedirectUri ? issued.User : null;
            }
            else if (form["grant_type"] == "refresh_token" && _refreshTokens.TryRemove(form["refresh_token"].ToString(), out var owner))
            {
                _redeemed.Add(form["refresh_token"].ToString());
                Interlocked.Increment(ref RefreshRedemptions);
                user = owner;
            }

            if (user is null)
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }

            string refresh = "rt-" + Guid.NewGuid().ToString("N");
            _refreshTokens[refresh] = user;
            return Results.Json(new { token_type = "Bearer", expires_in = 600, access_token = AccessToken(user), refresh_token = refresh });
        });
    }

    public string AccessToken(string user) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = Authority,
        Audience = "syncfunctions",
        Subject = new ClaimsIdentity([new Claim("sub", user), new Claim("scp", "itwin-platform")]),
        Expires = DateTime.UtcNow.AddMinutes(10),
        SigningCredentials = new SigningCredentials(new RsaSecurityKey(_rsa) { KeyId = "k1" }, SecurityAlgorithms.RsaSha256),
    });
}
