using System.Net;
using System.Net.Sockets;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;

namespace Sync.Http.Tests;

/// <summary>
/// Production tokens against a local OpenID Connect issuer (discovery document + JWKS on loopback) that signs with real
/// RSA keys and rotates them mid-test.
/// </summary>
[TestClass]
public sealed class OidcTokenTests
{
    private const string Audience = "api://syncfunctions-tests";

    [TestMethod]
    public async Task Tokens_of_the_issuer_are_checked_by_its_published_keys_and_a_rotated_key_is_fetched_when_first_seen()
    {
        using var first = new SigningKey("key-1");
        using var second = new SigningKey("key-2");
        using var never = new SigningKey("key-never-published");
        using var issuer = new LocalIssuer(first);
        var tokens = new TokenService(new AuthOptions { Authority = issuer.Authority, Audience = Audience, RequireHttpsMetadata = false, KeyRefreshInterval = TimeSpan.FromSeconds(1) });

        var caller = await tokens.AuthenticateAsync("Bearer " + issuer.Token(first, "user-1", "itwin-platform other"));
        Assert.AreEqual("user-1", caller.UserId);
        CollectionAssert.AreEquivalent(new[] { "itwin-platform", "other" }, caller.Scopes.ToArray());
        tokens.RequireScope(caller, "POST");

        // The issuer rotates to a new key: a token signed with it is accepted after one fetch of the keys.
        issuer.Publish(second);
        Assert.AreEqual("user-2", (await tokens.AuthenticateAsync("Bearer " + issuer.Token(second, "user-2", "itwin-platform"))).UserId);
        Assert.IsGreaterThanOrEqualTo(2, issuer.KeyFetches, "the keys were fetched again");

        // A key the issuer never published, a wrong audience and a wrong issuer stay refused.
        await RejectedAsync(tokens, issuer.Token(never, "user-3", "itwin-platform"));
        await RejectedAsync(tokens, issuer.Token(second, "user-4", "itwin-platform", audience: "api://someone-else"));
        await RejectedAsync(tokens, issuer.Token(second, "user-5", "itwin-platform", issuerName: "https://evil.example/"));

        // A valid token without the scope is authenticated, then refused 403 by its scope.
        var scopeless = await tokens.AuthenticateAsync("Bearer " + issuer.Token(second, "user-6", "other"));
        var e = Assert.ThrowsExactly<ApiException>(() => tokens.RequireScope(scopeless, "GET"));
        Assert.AreEqual((HttpStatusCode.Forbidden, ErrorCodes.RequiredScopeMissing), (e.Status, e.Code));
    }

    private static async Task RejectedAsync(TokenService tokens, string token)
    {
        var e = await Assert.ThrowsExactlyAsync<ApiException>(() => tokens.AuthenticateAsync("Bearer " + token));
        Assert.AreEqual((HttpStatusCode.Unauthorized, ErrorCodes.Unauthorized), (e.Status, e.Code));
        StringAssert.StartsWith(e.Challenge, "Bearer error=\"invalid_token\"");
    }

    private sealed class SigningKey(string id) : IDisposable
    {
        private readonly RSA _rsa = RSA.Create(2048);

        public RsaSecurityKey Key => new(_rsa) { KeyId = id };

        public object Jwk()
        {
            var parameters = _rsa.ExportParameters(includePrivateParameters: false);
            return new { kty = "RSA", use = "sig", alg = "RS256", kid = id, n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) };
        }

        public void Dispose() => _rsa.Dispose();
    }

    /// <summary>An OpenID Connect issuer on loopback: discovery at /.well-known/openid-configuration, keys at /keys.</summary>
    private sealed class LocalIssuer : IDisposable
    {
        private readonly HttpListener _listener = new();
        private volatile SigningKey _published;
        private int _keyFetches;

        public LocalIssuer(SigningKey key)
        {
            _published = key;
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Authority = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}/tenant/v2.0";
            }

            _listener.Prefixes.Add(Authority.Replace("/tenant/v2.0", "/", StringComparison.Ordinal));
            _listener.Start();
            _ = Task.Run(ServeAsync);
        }

        public string Authority { get; }

        public int KeyFetches => _keyFetches;

        public void Publish(SigningKey key) => _published = key;

        public string Token(SigningKey key, string subject, string scopes, string audience = Audience, string? issuerName = null) =>
            new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
            {
                Issuer = issuerName ?? Authority,
                Audience = audience,
                Subject = new ClaimsIdentity([new Claim("sub", subject), new Claim("scp", scopes)]),
                Expires = DateTime.UtcNow.AddMinutes(10),
                SigningCredentials = new SigningCredentials(key.Key, SecurityAlgorithms.RsaSha256),
            });

        public void Dispose() => _listener.Close();

        private async Task ServeAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var response = context.Response;
                object? body = context.Request.Url!.AbsolutePath switch
                {
                    "/tenant/v2.0/.well-known/openid-configuration" => new { issuer = Authority, jwks_uri = Authority + "/keys", id_token_signing_alg_values_supported = new[] { "RS256" } },
                    "/tenant/v2.0/keys" => Keys(),
                    _ => null,
                };
                if (body is null)
                {
                    response.StatusCode = 404;
                    continue;
                }

                byte[] bytes = Encoding.UTF8.GetBytes(JsonSerializer.Serialize(body));
                response.ContentType = "application/json";
                response.ContentLength64 = bytes.Length;
                await response.OutputStream.WriteAsync(bytes);
            }
        }

        private object Keys()
        {
            Interlocked.Increment(ref _keyFetches);
            return new { keys = new[] { _published.Jwk() } };
        }
    }
}
