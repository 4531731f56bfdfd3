using DurableTask.Core;

namespace Sync.LocalHost.Durable;

/// <summary>
/// Name → factory registry for DurableTask.Core (its own NameVersionObjectManager is internal). Every work
/// item gets a new task object from the factory, as Durable Functions does.
/// </summary>
internal sealed class TaskObjectManager<T> : INameVersionObjectManager<T>
{
    private readonly Dictionary<string, ObjectCreator<T>> _creators = new(StringComparer.Ordinal);

    public void Add(ObjectCreator<T> creator)
    {
        ArgumentNullException.ThrowIfNull(creator);
        _creators.Add(Key(creator.Name, creator.Version), creator);
    }

    public T? GetObject(string name, string? version) =>
        _creators.TryGetValue(Key(name, version ?? string.Empty), out var creator) ? creator.Create() : default;

    private static string Key(string name, string version) => $"{name}\u0001{version}";
}

/// <summary>An <see cref="ObjectCreator{T}"/> that calls a factory each time.</summary>
internal sealed class FactoryObjectCreator<T> : ObjectCreator<T>
{
    private readonly Func<T> _factory;

    public FactoryObjectCreator(string name, Func<T> factory)
    {
        Name = name;
        Version = string.Empty;
        _factory = factory;
    }

    public override T Create() => _factory();
}
