using System.Data;
using System.Globalization;
using System.Text.Json;
using Dapper;
using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace AdminPortal.Infrastructure.Database;

/// <summary>
/// Makes Guid, DateTimeOffset and JSON columns round-trip identically on SQLite and PostgreSQL.
/// SQLite keeps Guids as upper-case text and times as fixed-width UTC ISO-8601 text to the microsecond (text order is
/// time order, precision as PostgreSQL);
/// PostgreSQL keeps uuid and timestamptz, which Npgsql only accepts with offset zero.
/// Enums are stored as their integer value, Dapper's default on both.
/// </summary>
public static class DapperTypeHandlers
{
    private static int _registered;

    public static void Register()
    {
        if (Interlocked.Exchange(ref _registered, 1) == 1)
        {
            return;
        }

        SqlMapper.RemoveTypeMap(typeof(Guid));
        SqlMapper.RemoveTypeMap(typeof(Guid?));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset));
        SqlMapper.RemoveTypeMap(typeof(DateTimeOffset?));
        SqlMapper.AddTypeHandler(new GuidHandler());
        SqlMapper.AddTypeHandler(new DateTimeOffsetHandler());
    }

    /// <summary>Registers <typeparamref name="T"/> as a JSON column (jsonb on PostgreSQL, text on SQLite).</summary>
    public static void AddJson<T>() => SqlMapper.AddTypeHandler(new JsonHandler<T>());

    internal static string ToSqliteText(DateTimeOffset value) =>
        value.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);

    private sealed class GuidHandler : SqlMapper.TypeHandler<Guid>
    {
        public override void SetValue(IDbDataParameter parameter, Guid value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = value.ToString("D").ToUpperInvariant();
            }
            else
            {
                parameter.Value = value;
            }
        }

        public override Guid Parse(object value) => value switch
        {
            Guid guid => guid,
            string text => Guid.Parse(text),
            byte[] bytes => new Guid(bytes),
            _ => throw new DataException($"Cannot read {value.GetType().Name} as a Guid."),
        };
    }

    private sealed class DateTimeOffsetHandler : SqlMapper.TypeHandler<DateTimeOffset>
    {
        public override void SetValue(IDbDataParameter parameter, DateTimeOffset value)
        {
            if (parameter is SqliteParameter)
            {
                parameter.DbType = DbType.String;
                parameter.Value = ToSqliteText(value);
            }
            else
            {
                if (parameter is NpgsqlParameter npgsql)
                {
                    npgsql.NpgsqlDbType = NpgsqlDbType.TimestampTz;
                }

                parameter.Value = value.ToUniversalTime();
            }
        }

        public override DateTimeOffset Parse(object value) => value switch
        {
            DateTimeOffset dto => dto.ToUniversalTime(),
            DateTime dt => new DateTimeOffset(DateTime.SpecifyKind(dt, DateTimeKind.Utc)),
            string text => DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal),
            long unixMs => DateTimeOffset.FromUnixTimeMilliseconds(unixMs),
            _ => throw new DataException($"Cannot read {value.GetType().Name} as a DateTimeOffset."),
        };
    }

    private sealed class JsonHandler<T> : SqlMapper.TypeHandler<T>
    {
        private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);

        public override void SetValue(IDbDataParameter parameter, T? value)
        {
            if (parameter is NpgsqlParameter npgsql)
            {
                npgsql.NpgsqlDbType = NpgsqlDbType.Jsonb;
            }
            else
            {
                parameter.DbType = DbType.String;
            }

            parameter.Value = value is null ? DBNull.Value : JsonSerializer.Serialize(value, Options);
        }

        public override T? Parse(object value) => value switch
        {
            string text => JsonSerializer.Deserialize<T>(text, Options),
            _ => throw new DataException($"Cannot read {value.GetType().Name} as JSON."),
        };
    }
}
