using System.Net;
using Sync.Engine.Model;
using Sync.Engine.Stores;
using Sync.Http.Access;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// Our iTwins and their members (there is no external access-control service): whoever creates an iTwin is its
/// Owner; Owners add members, change their role and remove them. Access itself is checked by
/// <see cref="AccessControl"/> before these handlers run.
/// </summary>
public sealed class ITwinsApi(IITwinStore iTwins, AccessControl access)
{
    private static readonly string[] Roles = Enum.GetNames<Role>();

    public async Task<ApiResult> CreateAsync(ApiRequest request)
    {
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidITwinRequest, request.Aborted);
        string? displayName = body.RequiredString("displayName", maxLength: 255);
        body.ThrowIfInvalid("Cannot create the iTwin: the request is invalid.");

        var caller = request.RequiredCaller;
        var iTwin = new ITwin(Guid.NewGuid(), displayName!.Trim(), caller.UserId, DateTimeOffset.UtcNow);
        await iTwins.CreateAsync(iTwin, request.Aborted);
        access.ForgetRole(iTwin.Id, caller.UserId);
        return ApiResult.Created(new ITwinAnswer(Present(request, iTwin, Role.Owner)), Self(request, iTwin.Id));
    }

    /// <summary>The caller's iTwins, each with the caller's role.</summary>
    public async Task<ApiResult> ListAsync(ApiRequest request)
    {
        var paging = Paging.Parse(request.Http.Query, ErrorCodes.InvalidITwinRequest);
        string userId = request.RequiredCaller.UserId;
        var mine = new List<(ITwin ITwin, Role Role)>();
        foreach (Guid id in await iTwins.ListITwinIdsOfUserAsync(userId, request.Aborted))
        {
            // The index can name an iTwin whose membership write failed or was undone: the member record decides.
            if (await access.RoleAsync(id, userId, request.Aborted) is { } role && await iTwins.GetAsync(id, request.Aborted) is { } iTwin)
            {
                mine.Add((iTwin, role));
            }
        }

        var all = mine.OrderBy(m => m.ITwin.CreatedDateTime).ThenBy(m => m.ITwin.Id).ToList();
        return ApiResult.Ok(new ITwinsAnswer(paging.Apply(all).Select(m => Present(request, m.ITwin, m.Role)).ToList(), paging.Links(request, all.Count)));
    }

    public async Task<ApiResult> GetAsync(ApiRequest request)
    {
        var grant = Granted(request);
        var iTwin = await iTwins.GetAsync(grant.ITwinId, request.Aborted) ?? throw ITwinLocator.ITwinNotFound(grant.ITwinId.ToString("D"));
        return ApiResult.Ok(new ITwinAnswer(Present(request, iTwin, grant.Role)));
    }

    public async Task<ApiResult> ListMembersAsync(ApiRequest request)
    {
        var members = await iTwins.ListMembersAsync(Granted(request).ITwinId, request.Aborted);
        return ApiResult.Ok(new MembersAnswer(members.Select(m => Present(request, m)).ToList()));
    }

    /// <summary>Adds a user with a role; 409 when they are a member already (change a role with PATCH).</summary>
    public async Task<ApiResult> AddMemberAsync(ApiRequest request)
    {
        Guid iTwinId = Granted(request).ITwinId;
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidITwinRequest, request.Aborted);
        string? userId = body.RequiredString("userId", maxLength: 256);
        string? role = RequiredRole(body);
        body.ThrowIfInvalid("Cannot add the member: the request is invalid.");

        if (await iTwins.GetRoleAsync(iTwinId, userId!, request.Aborted) is not null)
        {
            throw ApiException.Conflict("MemberAlreadyExists", $"'{userId}' is a member of this iTwin already; change their role with PATCH.");
        }

        var member = await ChangeAsync(() => iTwins.SetMemberAsync(iTwinId, userId!, Enum.Parse<Role>(role!), request.Aborted));
        access.ForgetRole(iTwinId, userId!);
        return ApiResult.Created(new MemberAnswer(Present(request, member)), MemberUrl(request, iTwinId, member.UserId));
    }

    public async Task<ApiResult> UpdateMemberAsync(ApiRequest request)
    {
        Guid iTwinId = Granted(request).ITwinId;
        string userId = request.Route("memberId");
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidITwinRequest, request.Aborted);
        string? role = RequiredRole(body);
        body.ThrowIfInvalid("Cannot change the member: the request is invalid.");

        if (await iTwins.GetRoleAsync(iTwinId, userId, request.Aborted) is null)
        {
            throw MemberNotFound(userId);
        }

        var member = await ChangeAsync(() => iTwins.SetMemberAsync(iTwinId, userId, Enum.Parse<Role>(role!), request.Aborted));
        access.ForgetRole(iTwinId, userId);
        return ApiResult.Ok(new MemberAnswer(Present(request, member)));
    }

    public async Task<ApiResult> RemoveMemberAsync(ApiRequest request)
    {
        Guid iTwinId = Granted(request).ITwinId;
        string userId = request.Route("memberId");
        bool removed = await ChangeAsync(() => iTwins.RemoveMemberAsync(iTwinId, userId, request.Aborted));
        access.ForgetRole(iTwinId, userId);
        return removed ? ApiResult.NoContent() : throw MemberNotFound(userId);
    }

    private static AccessGrant Granted(ApiRequest request) =>
        request.Access ?? throw new InvalidOperationException("iTwin routes are authorized by AccessControl before they run.");

    private static string? RequiredRole(JsonBody body) => body.Has("role") ? body.OptionalChoice("role", Roles) : body.RequiredString("role");

    /// <summary>A membership change; the store refuses one that would leave no Owner (409).</summary>
    private static async Task<T> ChangeAsync<T>(Func<Task<T>> change)
    {
        try
        {
            return await change();
        }
        catch (StoreConflictException e)
        {
            throw new ApiException(HttpStatusCode.Conflict, "OwnerRequired", e.Message);
        }
    }

    private static ApiException MemberNotFound(string userId) =>
        ApiException.NotFound(ErrorCodes.MemberNotFound, $"'{userId}' is not a member of this iTwin.");

    private static string Self(ApiRequest request, Guid id) => request.Url($"/itwins/{id:D}");

    private static string MemberUrl(ApiRequest request, Guid iTwinId, string userId) =>
        request.Url($"/itwins/{iTwinId:D}/members/{Uri.EscapeDataString(userId)}");

    private static ITwinView Present(ApiRequest request, ITwin t, Role role) => new(
        t.Id,
        t.DisplayName,
        t.CreatedBy,
        ApiJson.Timestamp(t.CreatedDateTime),
        role.ToString(),
        new ITwinLinks(new Link(Self(request, t.Id)), new Link(request.Url($"/itwins/{t.Id:D}/members")), new Link(request.Url($"/imodels?iTwinId={t.Id:D}"))));

    private static MemberView Present(ApiRequest request, ITwinMember m) =>
        new(m.UserId, m.Role.ToString(), ApiJson.Timestamp(m.AddedDateTime), new SelfLink(new Link(MemberUrl(request, m.ITwinId, m.UserId))));
}
