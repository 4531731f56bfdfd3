namespace Sync.Engine.Model;

/// <summary>A versioned digital-twin model inside an iTwin; connections write into it.</summary>
public sealed record IModel(
    Guid Id,
    Guid ITwinId,
    string Name,
    string? Description,
    DateTimeOffset CreatedDateTime);
