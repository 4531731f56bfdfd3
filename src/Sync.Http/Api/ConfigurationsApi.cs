using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.Durable;
using Sync.Durable.Configuration;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

public enum ConfigurationLevel
{
    ITwin,
    IModel,
    Connection,
}

/// <summary>
/// The configuration API (spec §1.5, §3): settings per iTwin, iModel and connection scope, held by
/// <see cref="ConfigurationScope"/> entities. Each request runs a small orchestration that applies the change
/// and reads the scopes back, so every answer reflects the request's own write.
/// </summary>
public sealed class ConfigurationsApi(IIModelStore iModels, IConnectionStore connections, IDurableGateway durable)
{
    private static readonly JsonSerializerOptions OutputOptions = new() { PropertyNameCaseInsensitive = true };

    /// <summary>Flags per scope with their defaults (JSON literals): booleans, and one number (metres).</summary>
    private static readonly Dictionary<ConfigurationLevel, Dictionary<string, string>> Flags = new()
    {
        [ConfigurationLevel.ITwin] = new(StringComparer.Ordinal)
        {
            ["uploadDgnRealityData"] = "true", ["convertDgnTerrainModels"] = "false", ["squashIntermediateRevisions"] = "false",
            ["convertDgnHyperModelingSections"] = "true", ["skipRvtReprojection"] = "false", ["allowRevitIgnoreGcs"] = "false",
        },
        [ConfigurationLevel.IModel] = new(StringComparer.Ordinal)
        {
            ["clampZExtent"] = "false", ["overrideRvtReprojectionDistance"] = "0", ["enableFileNamePolicy"] = "false",
        },
        [ConfigurationLevel.Connection] = new(StringComparer.Ordinal)
        {
            ["reclassifyDgnElements"] = "false", ["ignoreDgnAttachments"] = "false", ["enableSheetsAndDrawings"] = "false",
            ["enableC3dGraphsIn2dModel"] = "false", ["enableSheetIndex"] = "false", ["filterBySheetIndex"] = "false",
        },
    };

    public async Task<ApiResult> HandleAsync(ApiRequest request, ConfigurationLevel level, string operation)
    {
        var (scopeId, broader) = await ResolveScopeAsync(request, level);
        Dictionary<string, string>? settings = null;
        if (operation is "Create" or "Patch")
        {
            settings = await ReadSettingsAsync(request, level);
        }

        var input = new ConfigurationRequest(operation, Key(level, scopeId), settings, broader.Select(b => Key(b.Level, b.Id)).ToList());
        var result = await RunAsync(input, request.Aborted);
        switch (operation)
        {
            case "Get" when !result.Scope.Exists:
            case "Patch" when !result.Done:
            case "Delete" when !result.Done:
                throw ApiException.NotFound("ConfigurationNotFound", "Requested Configuration is not available.");
            case "Create" when !result.Done:
                throw ApiException.Conflict("ConfigurationAlreadyExists", "A configuration already exists.");
            case "Delete":
                return ApiResult.NoContent();
        }

        var body = new
        {
            configuration = new
            {
                scopeId,
                settings = ToJson(result.Scope.Settings),
                resolvedSettings = Resolve(level, broader.Select(b => b.Level).ToList(), result),
            },
        };
        return operation == "Create" ? ApiResult.Created(body, request.Url(request.Http.Path)) : ApiResult.Ok(body);
    }

    private async Task<(string Id, List<(ConfigurationLevel Level, string Id)> Broader)> ResolveScopeAsync(ApiRequest request, ConfigurationLevel level)
    {
        switch (level)
        {
            case ConfigurationLevel.ITwin:
                string text = request.Route("itwinId");
                return Guid.TryParse(text, out Guid iTwinId) && iTwinId != Guid.Empty
                    ? (iTwinId.ToString("D"), [])
                    : throw ApiException.Invalid(ErrorCodes.InvalidConfigurationRequest, "The iTwin id is invalid.", new ApiErrorDetail(ErrorCodes.InvalidValue, $"'{text}' is not a valid UUID.", "itwinId"));
            case ConfigurationLevel.IModel:
                var iModel = await IModelsApi.FindAsync(iModels, request);
                return (iModel.Id.ToString("D"), [(ConfigurationLevel.ITwin, iModel.ITwinId.ToString("D"))]);
            default:
                string id = request.Route("connectionId");
                var connection = await connections.GetAsync(id, request.Aborted)
                    ?? throw ApiException.NotFound(ErrorCodes.ConnectionNotFound, $"Requested Connection '{id}' is not available.");
                return (connection.Id, [(ConfigurationLevel.ITwin, connection.ITwinId.ToString("D")), (ConfigurationLevel.IModel, connection.IModelId.ToString("D"))]);
        }
    }

    private static async Task<Dictionary<string, string>> ReadSettingsAsync(ApiRequest request, ConfigurationLevel level)
    {
        var body = await JsonBody.ReadAsync(request.Http, ErrorCodes.InvalidConfigurationRequest, request.Aborted);
        var flags = Flags[level];
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in body.Properties)
        {
            string? flag = flags.Keys.FirstOrDefault(f => string.Equals(f, name, StringComparison.OrdinalIgnoreCase));
            if (flag is null)
            {
                body.Problem(ErrorCodes.InvalidValue, $"'{name}' is not a setting of the {level} scope. Settings: {string.Join(", ", flags.Keys)}.", name);
                continue;
            }

            bool numeric = flags[flag] is not ("true" or "false");
            bool valid = numeric ? value.ValueKind == JsonValueKind.Number : value.ValueKind is JsonValueKind.True or JsonValueKind.False;
            if (!valid)
            {
                body.Problem(ErrorCodes.InvalidValue, $"'{flag}' must be {(numeric ? "a number" : "true or false")}.", flag);
                continue;
            }

            settings[flag] = value.GetRawText();
        }

        body.ThrowIfInvalid("The configuration is invalid.");
        return settings;
    }

    private async Task<ConfigurationResult> RunAsync(ConfigurationRequest input, CancellationToken aborted)
    {
        string instanceId = $"config-{Guid.NewGuid():N}";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await durable.StartAsync(nameof(ConfigurationOrchestrator), instanceId, input, timeout.Token);
        var outcome = await durable.WaitForCompletionAsync(instanceId, timeout.Token);
        return outcome is { State: OrchestrationEndState.Completed, OutputJson: { } json }
            ? JsonSerializer.Deserialize<ConfigurationResult>(json, OutputOptions)!
            : throw new ApiException(HttpStatusCode.ServiceUnavailable, "ConfigurationUnavailable", $"The configuration could not be applied ({outcome.State}).");
    }

    /// <summary>Defaults &lt; iTwin &lt; iModel &lt; connection, over the flags of this scope and the broader ones.</summary>
    private static JsonObject Resolve(ConfigurationLevel level, List<ConfigurationLevel> broaderLevels, ConfigurationResult result)
    {
        var resolved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var scopeLevel in broaderLevels.Append(level))
        {
            foreach (var (flag, fallback) in Flags[scopeLevel])
            {
                resolved[flag] = fallback;
            }
        }

        foreach (var snapshot in result.Broader.Append(result.Scope).Where(s => s.Exists))
        {
            foreach (var (flag, value) in snapshot.Settings)
            {
                resolved[flag] = value;
            }
        }

        return ToJson(resolved);
    }

    private static JsonObject ToJson(Dictionary<string, string> settings)
    {
        var json = new JsonObject();
        foreach (var (name, literal) in settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            json[name] = JsonNode.Parse(literal);
        }

        return json;
    }

    private static string Key(ConfigurationLevel level, string id) => $"{level.ToString().ToLowerInvariant()}|{id}";
}
