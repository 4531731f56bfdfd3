using Azure.Identity;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.Entities;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Converters;
using Microsoft.DurableTask.Entities;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Sync.Durable;
using Sync.Durable.Health;
using Sync.Storage;

namespace Sync.LocalHost.Durable;

/// <summary>
/// The local host's durable runtime: DurableTask.Core's TaskHubWorker over AzureStorageOrchestrationService
/// (the backend Durable Functions uses by default) on Azurite, running the service's class-based tasks through
/// the SDK's shims; and the <see cref="IDurableGateway"/> over Core's TaskHubClient.
/// </summary>
internal sealed class LocalDurableRuntime : IHostedService, IDurableGateway, IAsyncDisposable
{
    private readonly AzureStorageOrchestrationService _service;
    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;
    private readonly LocalDurableOptions _options;
    private readonly ILogger<LocalDurableRuntime> _logger;
    private readonly SemaphoreSlim _probeGate = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _hostId = $"local-{Environment.MachineName}".ToLowerInvariant();
    private volatile string _workerState = "Starting";
    private volatile HealthProbeReport? _lastProbe;
    private Task? _startup;

    public LocalDurableRuntime(StorageOptions storage, LocalDurableOptions options, IServiceProvider services, ILoggerFactory loggerFactory)
    {
        _options = options;
        _logger = loggerFactory.CreateLogger<LocalDurableRuntime>();
        _service = new AzureStorageOrchestrationService(new AzureStorageOrchestrationServiceSettings
        {
            TaskHubName = options.TaskHubName,
            StorageAccountClientProvider = ClientProvider(storage),
            WorkerId = $"{Environment.MachineName}-{Environment.ProcessId}",
            PartitionCount = options.PartitionCount,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivities,
            UseSeparateQueueForEntityWorkItems = true,
            WorkItemQueueVisibilityTimeout = options.VisibilityTimeout,
            ControlQueueVisibilityTimeout = options.VisibilityTimeout,
            MaxQueuePollingInterval = options.MaxQueuePollingInterval,
            LoggerFactory = loggerFactory,
        });

        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { EnableEntitySupport = true }, loggerFactory);
        var orchestrations = new TaskObjectManager<TaskOrchestration>();
        var activities = new TaskObjectManager<TaskActivity>();
        var entities = new TaskObjectManager<DurableTask.Core.Entities.TaskEntity>();
        foreach (var type in DurableTasks.Orchestrators)
        {
            orchestrations.Add(new FactoryObjectCreator<TaskOrchestration>(type.Name, () =>
                shims.CreateOrchestration(type.Name, (ITaskOrchestrator)ActivatorUtilities.CreateInstance(services, type))));
        }

        foreach (var type in DurableTasks.Activities)
        {
            activities.Add(new FactoryObjectCreator<TaskActivity>(type.Name, () =>
                shims.CreateActivity(type.Name, (ITaskActivity)ActivatorUtilities.CreateInstance(services, type))));
        }

        foreach (var type in DurableTasks.Entities)
        {
            // The SDK lower-cases entity names in entity ids; Core looks entities up by that name.
            string name = type.Name.ToLowerInvariant();
            entities.Add(new FactoryObjectCreator<DurableTask.Core.Entities.TaskEntity>(name, () =>
                new ShimEntity(shims, name, () => (ITaskEntity)ActivatorUtilities.CreateInstance(services, type))));
        }

        _worker = new TaskHubWorker(_service, orchestrations, activities, entities, loggerFactory);
        _client = new TaskHubClient(_service, new SystemTextJsonDataConverter(), loggerFactory);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Start in the background so the HTTP API (and /health, which reports progress) is up at once.
        _startup = Task.Run(() => StartWorkerAndProbeAsync(_stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        if (_startup is not null)
        {
            await _startup.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }

        if (_workerState == "Running")
        {
            await _worker.StopAsync(isForced: true);
            _workerState = "Stopped";
        }
    }

    public async Task<string> StartAsync(string orchestratorName, string instanceId, object? input, CancellationToken cancellationToken)
    {
        var instance = await _client.CreateOrchestrationInstanceAsync(orchestratorName, string.Empty, instanceId, input);
        return instance.InstanceId;
    }

    public Task RaiseEventAsync(string instanceId, string eventName, object? payload, CancellationToken cancellationToken) =>
        _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, payload!);

    public async Task SignalEntityAsync(string entityName, string entityKey, string operationName, object? input, CancellationToken cancellationToken)
    {
        // Core has no client call for this: send the signal message an orchestration would send.
        var target = new OrchestrationInstance { InstanceId = new EntityInstanceId(entityName, entityKey).ToString() };
        var message = ClientEntityHelpers.EmitOperationSignal(target, Guid.NewGuid(), operationName, JsonDataConverter.Default.Serialize(input), scheduledTimeUtc: null);
        await _service.SendTaskOrchestrationMessageAsync(message.AsTaskMessage());
    }

    public async Task<OrchestrationOutcome> WaitForCompletionAsync(string instanceId, CancellationToken cancellationToken)
    {
        var state = await _client.WaitForOrchestrationAsync(new OrchestrationInstance { InstanceId = instanceId }, TimeSpan.FromDays(1), cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (state is null)
        {
            return new OrchestrationOutcome(instanceId, OrchestrationEndState.NotFound, null, null);
        }

        return state.OrchestrationStatus switch
        {
            OrchestrationStatus.Completed => new(instanceId, OrchestrationEndState.Completed, state.Output, null),
            OrchestrationStatus.Failed => new(instanceId, OrchestrationEndState.Failed, null, state.FailureDetails?.ErrorMessage ?? state.Output),
            OrchestrationStatus.Terminated => new(instanceId, OrchestrationEndState.Terminated, null, state.Output),
            _ => new(instanceId, OrchestrationEndState.Other, null, state.OrchestrationStatus.ToString()),
        };
    }

    public async Task<DurableHealth> GetHealthAsync(bool probeNow, CancellationToken cancellationToken)
    {
        if (probeNow && _workerState == "Running")
        {
            await ProbeAsync(cancellationToken);
        }

        var probe = _lastProbe;
        return new DurableHealth(_workerState == "Running" && probe?.Succeeded == true, _workerState, probe);
    }

    public async ValueTask DisposeAsync()
    {
        _stopping.Dispose();
        _probeGate.Dispose();
        await Task.CompletedTask;
    }

    private async Task StartWorkerAndProbeAsync(CancellationToken stopping)
    {
        try
        {
            await _service.CreateIfNotExistsAsync();
            await _worker.StartAsync();
            _workerState = "Running";
        }
        catch (Exception e) when (!stopping.IsCancellationRequested)
        {
            _workerState = "Failed";
            _logger.LogError(e, "The durable worker failed to start on task hub {TaskHub}", _options.TaskHubName);
            return;
        }

        // Ready means a real orchestration ran: retry the probe until one succeeds.
        while (!stopping.IsCancellationRequested)
        {
            var report = await ProbeAsync(stopping);
            if (report?.Succeeded == true)
            {
                _logger.LogInformation("Durable worker ready: probe {InstanceId} completed in {Elapsed:0} ms", report.InstanceId, report.ElapsedMilliseconds);
                return;
            }

            _logger.LogWarning("Durable probe failed: {Error}", report?.Error);
            await Task.Delay(TimeSpan.FromSeconds(2), stopping).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        }
    }

    private async Task<HealthProbeReport?> ProbeAsync(CancellationToken cancellationToken)
    {
        await _probeGate.WaitAsync(cancellationToken);
        try
        {
            var report = await HealthProbeRunner.RunAsync(this, _hostId, _options.ProbeTimeout, cancellationToken);
            _lastProbe = report;
            return report;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        finally
        {
            _probeGate.Release();
        }
    }

    private static StorageAccountClientProvider ClientProvider(StorageOptions storage)
    {
        if (!string.IsNullOrWhiteSpace(storage.ConnectionString))
        {
            return new StorageAccountClientProvider(storage.ConnectionString);
        }

        if (storage.BlobServiceUri is null || storage.TableServiceUri is null)
        {
            throw new InvalidOperationException("Storage is not configured for the durable runtime.");
        }

        // Queues live beside blobs and tables in the same account.
        var queues = new Uri(storage.BlobServiceUri.ToString().Replace(".blob.", ".queue.", StringComparison.OrdinalIgnoreCase));
        return new StorageAccountClientProvider(storage.BlobServiceUri, queues, storage.TableServiceUri, new DefaultAzureCredential());
    }
}
