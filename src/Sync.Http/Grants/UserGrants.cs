using System.Buffers.Text;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Sync.Durable.Runs;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;

namespace Sync.Http.Grants;

/// <summary>
/// Users' offline grants: the authorization-code flow with PKCE that obtains one, its refresh token kept encrypted
/// with ASP.NET Core Data Protection (never logged, never returned), and the check every run of a <c>User</c>
/// connection makes: its owner's grant is redeemed at the token endpoint, which proves it still valid.
/// </summary>
public sealed class UserGrants(UserGrantOptions options, IUserGrantStore store, IITwinStore iTwins, IDataProtectionProvider protection, TokenService tokens, HttpClient http) : IRunAuthorization
{
    public const string UserNotAuthenticated = "UserNotAuthenticated";
    public const string UserNotAuthorized = "UserNotAuthorized";

    private readonly ITimeLimitedDataProtector _state = protection.CreateProtector("Sync.UserGrant.State").ToTimeLimitedDataProtector();
    private readonly IDataProtector _grant = protection.CreateProtector("Sync.UserGrant.RefreshToken");

    public bool Enabled => options.Enabled;

    /// <summary>Whether the user has a stored grant (without grants configured, everyone counts as authorized).</summary>
    public async Task<bool> IsAuthorizedAsync(string userId, CancellationToken cancellationToken) =>
        !options.Enabled || await store.GetAsync(userId, cancellationToken) is not null;

    /// <summary>
    /// Where the user's browser goes to grant access: the authorization endpoint, with a PKCE challenge and a state
    /// that carries (encrypted, time-limited) who asked, the verifier, our callback and where to return afterwards.
    /// </summary>
    public string AuthorizationUrl(string userId, string callbackUrl, string redirectUrl)
    {
        string verifier = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        string challenge = Base64Url.EncodeToString(SHA256.HashData(Encoding.ASCII.GetBytes(verifier)));
        string state = _state.Protect(JsonSerializer.Serialize(new FlowState(userId, verifier, callbackUrl, redirectUrl)), options.StateLifetime);
        var query = new Dictionary<string, string>
        {
            ["response_type"] = "code",
            ["client_id"] = options.ClientId,
            ["redirect_uri"] = callbackUrl,
            ["scope"] = options.Scope,
            ["state"] = state,
            ["code_challenge"] = challenge,
            ["code_challenge_method"] = "S256",
        };
        return options.AuthorizeEndpoint + (options.AuthorizeEndpoint!.Contains('?', StringComparison.Ordinal) ? "&" : "?")
            + string.Join('&', query.Select(q => $"{q.Key}={Uri.EscapeDataString(q.Value)}"));
    }

    /// <summary>
    /// The browser's return from the authorization endpoint: redeems the code (with the verifier), checks that the
    /// tokens are the asking user's, stores the refresh token encrypted, and answers where the browser goes next.
    /// </summary>
    public async Task<string> CompleteAsync(string? code, string? state, string? error, CancellationToken cancellationToken)
    {
        FlowState flow;
        try
        {
            flow = JsonSerializer.Deserialize<FlowState>(_state.Unprotect(state ?? string.Empty)) ?? throw new CryptographicException();
        }
        catch (Exception e) when (e is CryptographicException or JsonException or FormatException)
        {
            throw ApiException.Invalid(ErrorCodes.InvalidAuthorizationRequest, "The authorization state is missing, expired or not ours; start again from authorizationInformation.");
        }

        if (error is not null || string.IsNullOrEmpty(code))
        {
            return WithQuery(flow.RedirectUrl, "error", error ?? "invalid_request");
        }

        using var answer = await RedeemAsync(new Dictionary<string, string>
        {
            ["grant_type"] = "authorization_code",
            ["code"] = code,
            ["redirect_uri"] = flow.CallbackUrl,
            ["code_verifier"] = flow.Verifier,
        }, cancellationToken);
        if (answer is null || !answer.RootElement.TryGetProperty("refresh_token", out var refresh) || refresh.GetString() is not { Length: > 0 } refreshToken)
        {
            return WithQuery(flow.RedirectUrl, "error", "access_denied");
        }

        // The grant must be the asking user's own: a browser signed in as someone else must not attach their account.
        string? accessToken = answer.RootElement.TryGetProperty("access_token", out var access) ? access.GetString() : null;
        Caller? signedIn = null;
        try
        {
            signedIn = accessToken is null ? null : await tokens.AuthenticateAsync("Bearer " + accessToken);
        }
        catch (ApiException)
        {
        }

        if (signedIn?.UserId != flow.UserId)
        {
            return WithQuery(flow.RedirectUrl, "error", "user_mismatch");
        }

        await store.SaveAsync(flow.UserId, _grant.Protect(refreshToken), cancellationToken);
        return flow.RedirectUrl;
    }

    public async Task<RunError?> CheckAsync(Connection connection, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(connection);
        if (connection.AuthenticationType == AuthenticationType.Service)
        {
            return null;
        }

        // Acting for the owner needs what the owner may do: a run writes, so Member at least.
        if (connection.OwnerId is { } member && await iTwins.GetRoleAsync(connection.ITwinId, member, cancellationToken) is not (Role.Member or Role.Owner))
        {
            return new RunError(UserNotAuthorized, $"This User connection runs on behalf of its owner '{member}', who is no longer a Member or Owner of its iTwin. A Member who updates the connection (PUT) becomes its owner; or make it a Service connection.");
        }

        if (!options.Enabled)
        {
            return null;
        }

        if (connection.OwnerId is not { } owner || await store.GetAsync(owner, cancellationToken) is not { } protectedGrant)
        {
            return NotAuthenticated(connection.OwnerId);
        }

        string refreshToken;
        try
        {
            refreshToken = _grant.Unprotect(protectedGrant);
        }
        catch (CryptographicException)
        {
            await store.DeleteAsync(owner, cancellationToken);
            return NotAuthenticated(owner);
        }

        using var answer = await RedeemAsync(new Dictionary<string, string> { ["grant_type"] = "refresh_token", ["refresh_token"] = refreshToken }, cancellationToken);
        if (answer is null)
        {
            // Revoked or expired: the user must grant access again.
            await store.DeleteAsync(owner, cancellationToken);
            return NotAuthenticated(owner);
        }

        if (answer.RootElement.TryGetProperty("refresh_token", out var rotated) && rotated.GetString() is { Length: > 0 } next && next != refreshToken)
        {
            await store.SaveAsync(owner, _grant.Protect(next), cancellationToken);
        }

        return null;
    }

    /// <summary>The token endpoint's JSON answer; null when it refuses the grant (400/401). Other failures throw (retried).</summary>
    private async Task<JsonDocument?> RedeemAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        form["client_id"] = options.ClientId;
        if (!string.IsNullOrEmpty(options.ClientSecret))
        {
            form["client_secret"] = options.ClientSecret;
        }

        using var content = new FormUrlEncodedContent(form);
        using var response = await http.PostAsync(new Uri(options.TokenEndpoint!), content, cancellationToken);
        if (response.StatusCode is HttpStatusCode.BadRequest or HttpStatusCode.Unauthorized)
        {
            return null;
        }

        response.EnsureSuccessStatusCode();
        return await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(cancellationToken), cancellationToken: cancellationToken);
    }

    private static RunError NotAuthenticated(string? owner) => new(
        UserNotAuthenticated,
        owner is null
            ? "This User connection has no owner to run for: update it (PUT) to become its owner, or make it a Service connection."
            : $"This User connection runs on behalf of its owner '{owner}', who has not authorized the service or whose authorization is no longer valid. Complete the authorizationInformation flow and run again.");

    private static string WithQuery(string url, string name, string value) =>
        url + (url.Contains('?', StringComparison.Ordinal) ? "&" : "?") + name + "=" + Uri.EscapeDataString(value);

    private sealed record FlowState(string UserId, string Verifier, string CallbackUrl, string RedirectUrl);
}
