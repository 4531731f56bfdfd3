using System.Net;
using System.Security.Claims;
using System.Text;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;

namespace Sync.Http.Tests;

[TestClass]
public sealed class TokenServiceTests
{
    private const string Key = "unit-test-signing-key-0123456789abcdef";

    [TestMethod]
    public async Task A_minted_token_authenticates_its_user()
    {
        var tokens = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true });
        var caller = await tokens.AuthenticateAsync("Bearer " + tokens.Mint("u-1", "Ada"));
        Assert.AreEqual(("u-1", "Ada"), (caller.UserId, caller.Name));
        CollectionAssert.AreEquivalent(new[] { "itwin-platform" }, caller.Scopes.ToArray(), "development tokens carry the configured scopes");
    }

    [TestMethod]
    public async Task A_remembered_token_answers_for_its_own_text_only()
    {
        var tokens = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true });
        string token = tokens.Mint("u-1", "Ada");
        Assert.AreEqual("u-1", (await tokens.AuthenticateAsync("Bearer " + token)).UserId);
        Assert.AreEqual("u-1", (await tokens.AuthenticateAsync("Bearer " + token)).UserId, "the second time from memory");

        // The same header and claims under a forged signature, and another user's token, are checked on their own.
        string forged = token[..token.LastIndexOf('.')] + "." + new string('A', 43);
        await AssertRejected(tokens, "Bearer " + forged, ErrorCodes.Unauthorized);
        Assert.AreEqual("u-2", (await tokens.AuthenticateAsync("Bearer " + tokens.Mint("u-2", null))).UserId);
        await AssertRejected(new TokenService(new AuthOptions { DevSigningKey = Key + "-other", AllowDevTokens = true }), "Bearer " + token, ErrorCodes.Unauthorized);
    }

    [TestMethod]
    public async Task Missing_wrong_scheme_and_bad_tokens_map_to_the_spec_codes()
    {
        var tokens = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true });
        await AssertRejected(tokens, null, ErrorCodes.HeaderNotFound);
        await AssertRejected(tokens, "", ErrorCodes.HeaderNotFound);
        await AssertRejected(tokens, "Basic abc", ErrorCodes.InvalidAuthorizationScheme);
        await AssertRejected(tokens, "Bearer ", ErrorCodes.InvalidAuthorizationScheme);
        await AssertRejected(tokens, "Bearer abc.def.ghi", ErrorCodes.Unauthorized);
    }

    [TestMethod]
    public async Task Expired_tokens_are_rejected()
    {
        var tokens = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true });
        string expired = new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
        {
            Issuer = "syncfunctions-dev",
            Audience = "syncfunctions",
            Subject = new ClaimsIdentity([new Claim("sub", "u")]),
            NotBefore = DateTime.UtcNow.AddHours(-2),
            Expires = DateTime.UtcNow.AddHours(-1),
            SigningCredentials = new SigningCredentials(new SymmetricSecurityKey(Encoding.UTF8.GetBytes(Key)), SecurityAlgorithms.HmacSha256),
        });
        var e = await AssertRejected(tokens, "Bearer " + expired, ErrorCodes.Unauthorized);
        StringAssert.Contains(e.Message, "expired");
    }

    [TestMethod]
    public async Task Outside_development_dev_tokens_are_neither_minted_nor_accepted()
    {
        string devToken = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true }).Mint("u", null);
        var production = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = false });
        Assert.IsFalse(production.CanMint);
        Assert.ThrowsExactly<InvalidOperationException>(() => production.Mint("u", null));
        await AssertRejected(production, "Bearer " + devToken, ErrorCodes.Unauthorized);
    }

    [TestMethod]
    public async Task A_token_for_another_audience_is_rejected()
    {
        string token = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true, Audience = "someone-else" }).Mint("u", null);
        await AssertRejected(new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true }), "Bearer " + token, ErrorCodes.Unauthorized);
    }

    [TestMethod]
    public void A_short_development_key_is_refused_at_start()
    {
        Assert.ThrowsExactly<InvalidOperationException>(() => new TokenService(new AuthOptions { DevSigningKey = "short", AllowDevTokens = true }));
    }

    [TestMethod]
    public async Task An_unreachable_identity_provider_is_503_not_a_crash()
    {
        // Port 1 on loopback: nothing listens there, so fetching the OIDC metadata fails at once.
        var tokens = new TokenService(new AuthOptions { Authority = "https://127.0.0.1:1/tenant/v2.0" });
        var e = await Assert.ThrowsExactlyAsync<ApiException>(() => tokens.AuthenticateAsync("Bearer a.b.c"));
        Assert.AreEqual(HttpStatusCode.ServiceUnavailable, e.Status);
        Assert.AreEqual("AuthenticationUnavailable", e.Code);
    }

    [TestMethod]
    public async Task Rejections_carry_an_RFC_6750_challenge()
    {
        var tokens = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true });
        Assert.AreEqual("Bearer", (await AssertRejected(tokens, null, ErrorCodes.HeaderNotFound)).Challenge);
        StringAssert.StartsWith((await AssertRejected(tokens, "Bearer abc.def.ghi", ErrorCodes.Unauthorized)).Challenge, "Bearer error=\"invalid_token\"");
        var result = ApiResult.Error(await AssertRejected(tokens, "Bearer abc.def.ghi", ErrorCodes.Unauthorized));
        StringAssert.StartsWith(result.Headers["WWW-Authenticate"], "Bearer error=\"invalid_token\"");
    }

    [TestMethod]
    public async Task Reads_and_writes_need_their_configured_scopes()
    {
        var issuer = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true, ReadScope = "sync:read", WriteScope = "" });
        var strict = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true, ReadScope = "sync:read", WriteScope = "sync:modify" });
        var reader = await strict.AuthenticateAsync("Bearer " + issuer.Mint("u", null));

        strict.RequireScope(reader, "GET");
        var e = Assert.ThrowsExactly<ApiException>(() => strict.RequireScope(reader, "POST"));
        Assert.AreEqual((HttpStatusCode.Forbidden, ErrorCodes.RequiredScopeMissing), (e.Status, e.Code));
        Assert.AreEqual("Bearer error=\"insufficient_scope\", scope=\"sync:modify\"", e.Challenge);

        var none = new TokenService(new AuthOptions { DevSigningKey = Key, AllowDevTokens = true, ReadScope = "", WriteScope = "" });
        var bare = await strict.AuthenticateAsync("Bearer " + none.Mint("u", null));
        Assert.AreEqual(HttpStatusCode.Forbidden, Assert.ThrowsExactly<ApiException>(() => strict.RequireScope(bare, "GET")).Status);
        none.RequireScope(bare, "DELETE");
    }

    private static async Task<ApiException> AssertRejected(TokenService tokens, string? header, string code)
    {
        var e = await Assert.ThrowsExactlyAsync<ApiException>(() => tokens.AuthenticateAsync(header));
        Assert.AreEqual(HttpStatusCode.Unauthorized, e.Status);
        Assert.AreEqual(code, e.Code, header);
        return e;
    }
}
