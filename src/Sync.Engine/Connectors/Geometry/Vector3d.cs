namespace Sync.Engine.Connectors.Geometry;

/// <summary>A point or direction in double precision (System.Numerics is single precision: too coarse for site coordinates in millimetres).</summary>
public readonly record struct Vector3d(double X, double Y, double Z)
{
    public static readonly Vector3d Zero = new(0, 0, 0);
    public static readonly Vector3d UnitX = new(1, 0, 0);
    public static readonly Vector3d UnitY = new(0, 1, 0);
    public static readonly Vector3d UnitZ = new(0, 0, 1);

    public double Length => Math.Sqrt((X * X) + (Y * Y) + (Z * Z));

    public static Vector3d operator +(Vector3d a, Vector3d b) => new(a.X + b.X, a.Y + b.Y, a.Z + b.Z);

    public static Vector3d operator -(Vector3d a, Vector3d b) => new(a.X - b.X, a.Y - b.Y, a.Z - b.Z);

    public static Vector3d operator *(Vector3d a, double s) => new(a.X * s, a.Y * s, a.Z * s);

    public static double Dot(Vector3d a, Vector3d b) => (a.X * b.X) + (a.Y * b.Y) + (a.Z * b.Z);

    public static Vector3d Cross(Vector3d a, Vector3d b) => new((a.Y * b.Z) - (a.Z * b.Y), (a.Z * b.X) - (a.X * b.Z), (a.X * b.Y) - (a.Y * b.X));

    /// <summary>The unit vector, or null for a zero (or non-finite) vector.</summary>
    public Vector3d? Normalized()
    {
        double length = Length;
        return length > 1e-12 && double.IsFinite(length) ? new Vector3d(X / length, Y / length, Z / length) : null;
    }
}

/// <summary>An affine transform: columns X, Y, Z (scaled axes) and a translation.</summary>
public readonly record struct Transform3d(Vector3d AxisX, Vector3d AxisY, Vector3d AxisZ, Vector3d Origin)
{
    public static readonly Transform3d Identity = new(Vector3d.UnitX, Vector3d.UnitY, Vector3d.UnitZ, Vector3d.Zero);

    public Vector3d Apply(Vector3d p) => Origin + (AxisX * p.X) + (AxisY * p.Y) + (AxisZ * p.Z);

    public Vector3d ApplyToDirection(Vector3d d) => (AxisX * d.X) + (AxisY * d.Y) + (AxisZ * d.Z);

    /// <summary>This transform after <paramref name="inner"/>: a point in inner's frame, mapped by both.</summary>
    public Transform3d Then(Transform3d inner) => new(ApplyToDirection(inner.AxisX), ApplyToDirection(inner.AxisY), ApplyToDirection(inner.AxisZ), Apply(inner.Origin));

    public static Transform3d Translation(Vector3d offset) => Identity with { Origin = offset };

    /// <summary>The inverse of a rigid transform (orthonormal axes): the transposed axes, the origin moved back.</summary>
    public Transform3d InverseRigid() => new(
        new Vector3d(AxisX.X, AxisY.X, AxisZ.X),
        new Vector3d(AxisX.Y, AxisY.Y, AxisZ.Y),
        new Vector3d(AxisX.Z, AxisY.Z, AxisZ.Z),
        new Vector3d(-Vector3d.Dot(AxisX, Origin), -Vector3d.Dot(AxisY, Origin), -Vector3d.Dot(AxisZ, Origin)));

    public static Transform3d Scale(double factor) => new(Vector3d.UnitX * factor, Vector3d.UnitY * factor, Vector3d.UnitZ * factor, Vector3d.Zero);

    /// <summary>A right-handed frame from a Z axis and an approximate X axis (made orthogonal to Z), as STEP placements define it.</summary>
    public static Transform3d Frame(Vector3d origin, Vector3d? axisZ, Vector3d? referenceX)
    {
        var z = axisZ?.Normalized() ?? Vector3d.UnitZ;
        var reference = referenceX ?? (Math.Abs(z.X) < 0.9 ? Vector3d.UnitX : Vector3d.UnitY);
        var x = (reference - (z * Vector3d.Dot(reference, z))).Normalized()
            ?? (Vector3d.UnitX - (z * Vector3d.Dot(Vector3d.UnitX, z))).Normalized()
            ?? Vector3d.UnitY;
        return new Transform3d(x, Vector3d.Cross(z, x), z, origin);
    }
}

/// <summary>An axis-aligned box that grows by points; <c>default</c> (a field never assigned, too) is empty.</summary>
public struct Bounds3d
{
    private Vector3d _low;
    private Vector3d _high;
    private bool _hasPoints;

    public Bounds3d()
    {
    }

    public readonly bool IsEmpty => !_hasPoints;

    public readonly Vector3d Low => _low;

    public readonly Vector3d High => _high;

    public void Add(Vector3d p)
    {
        if (!double.IsFinite(p.X) || !double.IsFinite(p.Y) || !double.IsFinite(p.Z))
        {
            return;
        }

        if (!_hasPoints)
        {
            _low = _high = p;
            _hasPoints = true;
            return;
        }

        _low = new Vector3d(Math.Min(_low.X, p.X), Math.Min(_low.Y, p.Y), Math.Min(_low.Z, p.Z));
        _high = new Vector3d(Math.Max(_high.X, p.X), Math.Max(_high.Y, p.Y), Math.Max(_high.Z, p.Z));
    }

    public void Add(Bounds3d other)
    {
        if (!other.IsEmpty)
        {
            Add(other._low);
            Add(other._high);
        }
    }

    /// <summary>Adds the eight corners of a box after a transform.</summary>
    public void AddTransformed(Bounds3d box, Transform3d transform)
    {
        if (box.IsEmpty)
        {
            return;
        }

        for (int corner = 0; corner < 8; corner++)
        {
            Add(transform.Apply(new Vector3d(
                (corner & 1) == 0 ? box._low.X : box._high.X,
                (corner & 2) == 0 ? box._low.Y : box._high.Y,
                (corner & 4) == 0 ? box._low.Z : box._high.Z)));
        }
    }

    /// <summary>The box rounded to micrometres, so float noise in a re-saved file does not read as a change.</summary>
    public readonly Elements.BoundingBox? ToBoundingBox() => IsEmpty ? null : new Elements.BoundingBox(
        Round(_low.X), Round(_low.Y), Round(_low.Z), Round(_high.X), Round(_high.Y), Round(_high.Z));

    public static double Round(double value) => Math.Round(value, 6) + 0.0; // + 0.0 turns -0 into 0
}
