namespace Sync.Engine.Connectors.StepPart21;

public enum StepKind : byte
{
    /// <summary><c>$</c>: no value.</summary>
    Missing,

    /// <summary><c>*</c>: the value is derived by a subtype.</summary>
    Derived,
    WholeNumber,
    RealNumber,
    Text,

    /// <summary><c>.NAME.</c>; <see cref="StepValue.Text"/> holds NAME.</summary>
    Enumeration,

    /// <summary><c>"0A1F"</c>; <see cref="StepValue.Text"/> holds the hex digits.</summary>
    Binary,

    /// <summary><c>#123</c>; <see cref="StepValue.Whole"/> holds 123.</summary>
    Reference,
    List,

    /// <summary><c>IFCLABEL('x')</c>; <see cref="StepValue.Text"/> holds the type name, <see cref="StepValue.Items"/> its one value.</summary>
    Typed,
}

/// <summary>One parameter of a STEP instance. Parsed on demand for the instances a connector reads, never for the whole file.</summary>
public readonly record struct StepValue(StepKind Kind, long Whole = 0, double Real = 0, string? Text = null, StepValue[]? Items = null)
{
    public static readonly StepValue Missing = new(StepKind.Missing);

    public bool IsReference => Kind == StepKind.Reference;

    /// <summary>The value inside a typed parameter (<c>IFCLABEL('x')</c> → <c>'x'</c>), else the value itself.</summary>
    public StepValue Untyped => Kind == StepKind.Typed && Items is [var inner] ? inner.Untyped : this;

    public IReadOnlyList<StepValue> List => Kind == StepKind.List ? Items! : [];

    /// <summary>The number of an integer or real parameter (typed or not), else null.</summary>
    public double? AsNumber => Untyped switch
    {
        { Kind: StepKind.RealNumber } v => v.Real,
        { Kind: StepKind.WholeNumber } v => v.Whole,
        _ => null,
    };

    public string? AsText => Untyped is { Kind: StepKind.Text } v ? v.Text : null;

    public override string ToString() => Kind switch
    {
        StepKind.Missing => "$",
        StepKind.Derived => "*",
        StepKind.WholeNumber => Whole.ToString(System.Globalization.CultureInfo.InvariantCulture),
        StepKind.RealNumber => Real.ToString("R", System.Globalization.CultureInfo.InvariantCulture),
        StepKind.Text => $"'{Text}'",
        StepKind.Enumeration => $".{Text}.",
        StepKind.Binary => $"\"{Text}\"",
        StepKind.Reference => $"#{Whole}",
        StepKind.List => $"({string.Join(",", Items!)})",
        StepKind.Typed => $"{Text}({string.Join(",", Items!)})",
        _ => "?",
    };
}

/// <summary>
/// One parsed instance: its type and parameters. A complex instance (<c>#1=(A(…)B(…));</c>) has the type name
/// of its first part in <see cref="TypeName"/> and every part in <see cref="Parts"/>.
/// </summary>
public sealed record StepEntity(long Id, string TypeName, StepValue[] Arguments, IReadOnlyList<(string TypeName, StepValue[] Arguments)>? Parts = null)
{
    public StepValue this[int index] => index < Arguments.Length ? Arguments[index] : StepValue.Missing;
}
