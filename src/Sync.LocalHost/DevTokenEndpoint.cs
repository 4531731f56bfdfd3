using System.Net;
using Sync.Http.Auth;
using Sync.Http.Infrastructure;

namespace Sync.LocalHost;

/// <summary><c>POST /dev/token {"userId","name"}</c>: a signed development JWT. Mapped only in Development.</summary>
internal static class DevTokenEndpoint
{
    public static async Task<ApiResult> IssueAsync(HttpContext context, TokenService tokens, AuthOptions options)
    {
        try
        {
            if (!tokens.CanMint)
            {
                throw new ApiException(HttpStatusCode.NotFound, ErrorCodes.NotFound, "Development tokens are not configured (Auth:DevSigningKey).");
            }

            var body = await JsonBody.ReadAsync(context.Request, "InvalidTokenRequest", context.RequestAborted);
            string? userId = body.RequiredString("userId", maxLength: 128);
            string? name = body.OptionalString("name", maxLength: 256);
            body.ThrowIfInvalid("Cannot issue a token: the request is invalid.");
            return ApiResult.Ok(new
            {
                access_token = tokens.Mint(userId!, name),
                token_type = "Bearer",
                expires_in = (int)options.DevTokenLifetime.TotalSeconds,
            });
        }
        catch (ApiException e)
        {
            return ApiResult.Error(e);
        }
    }
}
