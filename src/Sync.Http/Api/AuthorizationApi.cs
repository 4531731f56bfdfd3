using Sync.Http.Grants;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// Get Authorization Information (spec §4) and the return leg of the authorization-code flow (ours): together they
/// give the service a user's offline grant for their <c>User</c> connections.
/// </summary>
public sealed class AuthorizationApi(UserGrants grants)
{
    public const string CallbackPath = "/synchronization/authorization/callback";

    public async Task<ApiResult> GetInformationAsync(ApiRequest request)
    {
        string? redirectUrl = request.Query("redirectUrl");
        if (!Uri.TryCreate(redirectUrl, UriKind.Absolute, out var target) || (target.Scheme != Uri.UriSchemeHttp && target.Scheme != Uri.UriSchemeHttps))
        {
            throw ApiException.Invalid(
                ErrorCodes.InvalidAuthorizationInformationRequest,
                "Cannot get authorization information: the request is invalid.",
                new ApiErrorDetail(ErrorCodes.InvalidValue, "redirectUrl should be a valid URL.", "redirectUrl"));
        }

        string userId = request.RequiredCaller.UserId;
        bool authorized = await grants.IsAuthorizedAsync(userId, request.Aborted);
        return ApiResult.Ok(new AuthorizationInformationAnswer(new AuthorizationInformationView(
            authorized,
            new AuthorizationLinks(grants.Enabled ? new Link(grants.AuthorizationUrl(userId, request.Url(CallbackPath), target.AbsoluteUri)) : null))));
    }

    /// <summary>The browser's return from the authorization server (no bearer token: the state proves who asked).</summary>
    public async Task<ApiResult> CallbackAsync(ApiRequest request) =>
        ApiResult.Redirect(await grants.CompleteAsync(request.Query("code"), request.Query("state"), request.Query("error"), request.Aborted));
}
