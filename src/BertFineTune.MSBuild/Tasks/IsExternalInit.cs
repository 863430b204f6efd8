namespace System.Runtime.CompilerServices;

// netstandard2.0 lacks this marker type, which C# records need for their init-only setters.
internal static class IsExternalInit
{
}
