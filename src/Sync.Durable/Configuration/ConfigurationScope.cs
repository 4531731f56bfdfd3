using Microsoft.DurableTask;
using Microsoft.DurableTask.Entities;

namespace Sync.Durable.Configuration;

/// <summary>
/// The settings stored at one configuration scope (entity key <c>itwin|{id}</c>, <c>imodel|{id}</c> or
/// <c>connection|{id}</c>). Values are JSON literals (<c>true</c>, <c>8849</c>) of the scope's flags.
/// </summary>
public sealed class ConfigurationScope : TaskEntity<ConfigurationScope.ScopeState>
{
    public ScopeSnapshot Get() => new(State.Exists, State.Settings);

    public bool Create(Dictionary<string, string> settings)
    {
        if (State.Exists)
        {
            return false;
        }

        State = new ScopeState { Exists = true, Settings = new Dictionary<string, string>(settings) };
        return true;
    }

    public bool Patch(Dictionary<string, string> settings)
    {
        if (!State.Exists)
        {
            return false;
        }

        foreach (var (name, value) in settings)
        {
            State.Settings[name] = value;
        }

        return true;
    }

    public bool Delete()
    {
        bool existed = State.Exists;
        State = new ScopeState();
        return existed;
    }

    public sealed class ScopeState
    {
        public bool Exists { get; set; }

        public Dictionary<string, string> Settings { get; set; } = [];
    }
}

public sealed record ScopeSnapshot(bool Exists, Dictionary<string, string> Settings);

/// <param name="Operation">Get, Create, Patch or Delete.</param>
/// <param name="BroaderScopes">Keys of the broader scopes to read back too, for resolved settings.</param>
public sealed record ConfigurationRequest(string Operation, string ScopeKey, Dictionary<string, string>? Settings, IReadOnlyList<string> BroaderScopes);

/// <param name="Done">Whether the operation applied (Create: created; Patch/Delete: the scope existed).</param>
public sealed record ConfigurationResult(bool Done, ScopeSnapshot Scope, IReadOnlyList<ScopeSnapshot> Broader);

/// <summary>
/// Applies one configuration request to its scope entity and reads it (and its broader scopes) back, so the HTTP
/// handler answers with the outcome of its own write: a write is visible to the next read.
/// </summary>
public sealed class ConfigurationOrchestrator : TaskOrchestrator<ConfigurationRequest, ConfigurationResult>
{
    public override async Task<ConfigurationResult> RunAsync(TaskOrchestrationContext context, ConfigurationRequest input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var scope = new EntityInstanceId(nameof(ConfigurationScope), input.ScopeKey);
        bool done = input.Operation switch
        {
            "Get" => true,
            "Delete" => await context.Entities.CallEntityAsync<bool>(scope, nameof(ConfigurationScope.Delete)),
            _ => await context.Entities.CallEntityAsync<bool>(scope, input.Operation, input.Settings ?? []),
        };
        var snapshot = await context.Entities.CallEntityAsync<ScopeSnapshot>(scope, nameof(ConfigurationScope.Get));
        var broader = new List<ScopeSnapshot>();
        foreach (string key in input.BroaderScopes)
        {
            broader.Add(await context.Entities.CallEntityAsync<ScopeSnapshot>(new EntityInstanceId(nameof(ConfigurationScope), key), nameof(ConfigurationScope.Get)));
        }

        return new ConfigurationResult(done, snapshot, broader);
    }
}
