namespace Sync.Engine.Connectors.StepPart21;

/// <summary>
/// Hostile or broken STEP files can break a model's assumptions anywhere (wrong attribute types, missing
/// parameters); that is the file's fault, reported as unreadable instead of retried as a fault of ours.
/// </summary>
internal static class StepModelGuard
{
    /// <param name="reader">Who could not interpret the file, for the message ("the IFC connector").</param>
    public static T Run<T>(Func<T> step, string fileName, string reader)
    {
        try
        {
            return step();
        }
        catch (Exception e) when (e is InvalidCastException or IndexOutOfRangeException or ArgumentException or NullReferenceException or KeyNotFoundException or InvalidOperationException or OverflowException)
        {
            throw new SourceFormatException($"'{fileName}' has content {reader} cannot interpret: {e.Message}", e);
        }
    }
}
