namespace AdminPortal.Infrastructure.Validation;

/// <summary>
/// Bad input, field by field. Services throw it before touching data; pages show the messages beside the fields,
/// API endpoints answer 400 problem+json naming them.
/// </summary>
public sealed class InputValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The input is not valid: " + string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;
}

/// <summary>Collects field errors; <see cref="ThrowIfAny"/> ends validation.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public ValidationErrors Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return this;
    }

    public ValidationErrors Require(string field, string? value, string label, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            Add(field, $"{label} is required.");
        }
        else if (value.Trim().Length > maxLength)
        {
            Add(field, $"{label} must be at most {maxLength} characters.");
        }

        return this;
    }

    public IReadOnlyDictionary<string, string[]> ToDictionary() => _errors.ToDictionary(e => e.Key, e => e.Value.ToArray());

    public void ThrowIfAny()
    {
        if (Any)
        {
            throw new InputValidationException(ToDictionary());
        }
    }
}
