using System.Text.Json.Serialization;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>An iTwin with the caller's role in it.</summary>
public sealed record ITwinView(Guid Id, string DisplayName, string CreatedBy, string CreatedDateTime, string Role, [property: JsonPropertyName("_links")] ITwinLinks Links);

public sealed record ITwinLinks(Link Self, Link Members, [property: JsonPropertyName("iModels")] Link IModels);

public sealed record ITwinAnswer(ITwinView ITwin);

public sealed record ITwinsAnswer(IReadOnlyList<ITwinView> ITwins, [property: JsonPropertyName("_links")] PageLinks Links);

/// <summary>A user's role in an iTwin.</summary>
public sealed record MemberView(string UserId, string Role, string AddedDateTime, [property: JsonPropertyName("_links")] SelfLink Links);

public sealed record MemberAnswer(MemberView Member);

public sealed record MembersAnswer(IReadOnlyList<MemberView> Members);
