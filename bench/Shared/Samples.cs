namespace Sync.Benchmarks;

/// <summary>Repeated timings of one measurement: these machines swing by 10-20 % from one run to the next.</summary>
internal static class Samples
{
    public static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted[sorted.Count / 2];
    }
}
