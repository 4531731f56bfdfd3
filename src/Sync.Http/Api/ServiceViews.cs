using System.Text.Json.Nodes;
using System.Text.Json.Serialization;
using Sync.Durable.Health;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary><c>GET /health</c>: the whole service, its storage and its durable worker.</summary>
public sealed record HealthAnswer(string Status, StorageHealthView Storage, DurableHealthView Durable);

public sealed record StorageHealthView(string Status, string? Error);

public sealed record DurableHealthView(string Status, string Worker, HealthProbeReport? LastProbe);

/// <summary>Spec §4: whether the caller has given the service a grant for User connections, and where to give one.</summary>
public sealed record AuthorizationInformationAnswer(AuthorizationInformationView AuthorizationInformation);

public sealed record AuthorizationInformationView(bool IsUserAuthorized, [property: JsonPropertyName("_links")] AuthorizationLinks Links);

/// <summary><c>authorizationUrl</c> is absent when no authorization server is configured.</summary>
public sealed record AuthorizationLinks(Link? AuthorizationUrl);

/// <summary>The settings of one scope and those in force there (broader scopes overridden by narrower ones).</summary>
public sealed record ConfigurationAnswer(ConfigurationView Configuration);

public sealed record ConfigurationView(string ScopeId, JsonObject Settings, JsonObject ResolvedSettings);
