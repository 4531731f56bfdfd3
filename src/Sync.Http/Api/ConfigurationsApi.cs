using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sync.Durable;
using Sync.Durable.Configuration;
using Sync.Engine.Catalog;
using Sync.Engine.Stores;
using Sync.Http.Infrastructure;

namespace Sync.Http.Api;

/// <summary>
/// The configuration API (spec §1.5, §3): settings per iTwin, iModel and connection scope, held by
/// <see cref="ConfigurationScope"/> entities. Each request runs a small orchestration that applies the change
/// and reads the scopes back, so every answer reflects the request's own write.
/// </summary>
public sealed class ConfigurationsApi(IIModelStore iModels, IConnectionStore connections, IDurableGateway durable)
{
    private static readonly JsonSerializerOptions OutputOptions = new() { PropertyNameCaseInsensitive = true };

    public async Task<ApiResult> HandleAsync(ApiRequest request, ConfigurationLevel level, string operation)
    {
        var (scopeId, broader) = await ResolveScopeAsync(request, level);
        Dictionary<string, string>? settings = null;
        if (operation is "Create" or "Patch")
        {
            settings = await ReadSettingsAsync(request, level);
        }

        var input = new ConfigurationRequest(operation, ConfigurationSettings.ScopeKey(level, scopeId), settings, broader.Select(b => ConfigurationSettings.ScopeKey(b.Level, b.Id)).ToList());
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

        var body = new ConfigurationAnswer(new ConfigurationView(
            scopeId,
            ToJson(result.Scope.Settings),
            ToJson(ConfigurationSettings.Resolve(broader.Select(b => b.Level).Append(level), result.Broader.Append(result.Scope).Where(s => s.Exists).Select(s => s.Settings)))));
        return operation == "Create" ? ApiResult.Created(body, request.Url(request.Http.Path)) : ApiResult.Ok(body);
    }

    private async Task<(string Id, List<(ConfigurationLevel Level, string Id)> Broader)> ResolveScopeAsync(ApiRequest request, ConfigurationLevel level)
    {
        switch (level)
        {
            case ConfigurationLevel.ITwin:
                // The access check resolved (and answered any unknown or malformed id for) the route's iTwin.
                var grant = request.Access ?? throw new InvalidOperationException("iTwin configurations are authorized by AccessControl before they run.");
                return (grant.ITwinId.ToString("D"), []);
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
        var accepted = ConfigurationSettings.Of(level).ToList();
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in body.Properties)
        {
            var setting = accepted.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (setting is null)
            {
                body.Problem(ErrorCodes.InvalidValue, $"'{name}' is not a setting of the {level} scope. Settings: {string.Join(", ", accepted.Select(f => f.Name))}.", name);
                continue;
            }

            string? problem = setting.Kind switch
            {
                SettingKind.Boolean when value.ValueKind is not (JsonValueKind.True or JsonValueKind.False) => "must be true or false",
                SettingKind.Number when value.ValueKind != JsonValueKind.Number => "must be a number",
                SettingKind.Text when value.ValueKind != JsonValueKind.String => "must be a string",
                SettingKind.Text when value.GetString()!.Length > ConfigurationSettings.MaxTextLength => $"must be at most {ConfigurationSettings.MaxTextLength} characters",
                _ => null,
            };
            if (problem is not null)
            {
                body.Problem(ErrorCodes.InvalidValue, $"'{setting.Name}' {problem}.", setting.Name);
                continue;
            }

            settings[setting.Name] = value.GetRawText();
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

    private static JsonObject ToJson(Dictionary<string, string> settings)
    {
        var json = new JsonObject();
        foreach (var (name, literal) in settings.OrderBy(s => s.Key, StringComparer.Ordinal))
        {
            json[name] = JsonNode.Parse(literal);
        }

        return json;
    }
}
