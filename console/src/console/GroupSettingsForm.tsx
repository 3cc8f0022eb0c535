import { UndoOutlined } from '@ant-design/icons';
import { App, Button, Card, Col, Form, Input, InputNumber, Row, Select, Space, Switch, Tag, Tooltip, Typography } from 'antd';
import { z } from 'zod';
import { GroupSettings, patchFields, withField, withoutField, type GroupSettingsPatch } from '../../../src/shared/group-settings.ts';
import { hasMessage, useI18n, type Translate } from '../i18n.ts';

/**
 * Edits a settings patch (a group's overrides, or a template) over the values it would otherwise
 * have: every field of every section, each saying whether it is set here or inherited (from the
 * template, or the defaults), with a reset per field. Controls follow the shared zod schema
 * (ranges, choices), so the form cannot offer what the server would refuse.
 */
export interface SettingsFormProps {
  /** What each field is without this patch: the template's (for a group) or the defaults. */
  base: GroupSettings;
  patch: GroupSettingsPatch;
  onChange: (patch: GroupSettingsPatch) => void;
  /** A group's overrides (over a template, or only the defaults) or a template's own settings. */
  mode: 'group' | 'group-no-template' | 'template';
  disabled?: boolean;
}

type Section = keyof GroupSettings;
const SECTIONS = Object.keys(GroupSettings.shape) as Section[];

function fieldSchema(field: string): z.ZodType {
  const [section = '', key = ''] = field.split('.');
  return (GroupSettings.shape[section as Section].shape as Record<string, z.ZodType>)[key] as z.ZodType;
}

const current = (s: GroupSettings, field: string): unknown => {
  const [section = '', key = ''] = field.split('.');
  return (s[section as Section] as Record<string, unknown>)[key];
};

/** What the patch sets the field to (undefined: it inherits). */
const own = (p: GroupSettingsPatch, field: string): unknown => {
  const [section = '', key = ''] = field.split('.');
  return (p as Record<string, Record<string, unknown> | undefined>)[section]?.[key];
};

/** A field's label, `Section · field` where it stands alone (lists of differing fields). */
export function fieldLabel(field: string, t: Translate, withSection = true): string {
  const key = `gs.field.${field}`;
  const section = `gs.section.${field.split('.')[0] ?? ''}`;
  const label = hasMessage(key) ? t(key) : field;
  return withSection && hasMessage(section) ? `${t(section)} · ${label}` : label;
}

/** A value as text (a tooltip's "template value: …"). */
function formatValue(field: string, v: unknown, t: Translate): string {
  if (typeof v === 'boolean') return v ? t('gs.on') : t('gs.off');
  if (Array.isArray(v)) return v.length === 0 ? t('gs.empty') : v.join('、');
  if (typeof v === 'string') {
    // Choices have labels (detection actions, the join gate's modes); free text is shown as typed.
    const choice = `${field === 'joinGate.mode' ? 'gs.joinGate.mode' : 'gs.action'}.${v}`;
    if (fieldSchema(field) instanceof z.ZodEnum && hasMessage(choice)) return t(choice);
    return v === '' ? t('gs.empty') : v;
  }
  return String(v);
}

function Control({ field, value, onChange, disabled }: { field: string; value: unknown; onChange: (v: unknown) => void; disabled: boolean }) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const schema = fieldSchema(field);
  if (schema instanceof z.ZodBoolean) return <Switch checked={value === true} onChange={onChange} disabled={disabled} />;
  if (schema instanceof z.ZodNumber) {
    return (
      <InputNumber
        value={typeof value === 'number' ? value : null}
        min={schema.minValue ?? undefined}
        max={schema.maxValue ?? undefined}
        precision={0}
        disabled={disabled}
        onChange={(v) => v !== null && onChange(v)}
        style={{ width: 160 }}
      />
    );
  }
  if (schema instanceof z.ZodEnum) {
    const options = (schema.options as string[]).map((o) => ({ value: o, label: formatValue(field, o, t) }));
    return <Select value={value as string} options={options} onChange={onChange} disabled={disabled} style={{ width: 200 }} />;
  }
  if (schema instanceof z.ZodArray) {
    const element = schema.element as z.ZodType;
    return (
      <Select
        mode="tags"
        value={value as string[]}
        open={false}
        suffixIcon={null}
        tokenSeparators={[',', '，', ' ', '\n']}
        disabled={disabled}
        onChange={(tags: string[]) => {
          const kept: string[] = [];
          for (const tag of tags) {
            const r = element.safeParse(tag);
            if (!r.success) void message.error(t('gs.invalidValue', { value: tag, message: r.error.issues[0]?.message ?? '' }));
            else if (!kept.includes(r.data as string)) kept.push(r.data as string);
          }
          onChange(kept);
        }}
        placeholder={t('gs.tagsPlaceholder')}
        className="c-full"
      />
    );
  }
  const maxLength = schema instanceof z.ZodString ? (schema.maxLength ?? undefined) : undefined;
  return <Input value={value as string} maxLength={maxLength} disabled={disabled} onChange={(e) => onChange(e.target.value)} />;
}

export function GroupSettingsForm({ base, patch, onChange, mode, disabled = false }: SettingsFormProps) {
  const { t } = useI18n();
  const inherited = mode === 'group' ? 'template' : 'default';

  function row(field: string) {
    const mine = own(patch, field);
    const set = mine !== undefined;
    const baseValue = current(base, field);
    const value = set ? mine : baseValue;
    const help = `gs.help.${field}`;
    const source = set ? (
      <Tooltip title={t(`gs.baseValue.${inherited}`, { value: formatValue(field, baseValue, t) })}>
        <Tag color="blue" bordered={false} data-testid="setting-source">
          {t(mode === 'template' ? 'gs.set.template' : 'gs.set.group')}
        </Tag>
      </Tooltip>
    ) : (
      <Tag bordered={false} data-testid="setting-source">
        {t(`gs.source.${inherited}`)}
      </Tag>
    );
    return (
      <div key={field} data-testid="setting-field" data-field={field} data-source={set ? 'set' : 'inherited'}>
        <Form.Item
          label={
            <Space size={6} wrap>
              <span>{fieldLabel(field, t, false)}</span>
              {source}
              {set && !disabled && (
                <Button type="link" size="small" icon={<UndoOutlined />} onClick={() => onChange(withoutField(patch, field))} data-testid="setting-reset">
                  {t(`gs.reset.${inherited}`)}
                </Button>
              )}
            </Space>
          }
          extra={hasMessage(help) ? t(help) : undefined}
        >
          <Control field={field} value={value} disabled={disabled} onChange={(v) => onChange(withField(patch, field, v))} />
        </Form.Item>
      </div>
    );
  }

  return (
    <Form layout="vertical" component="div" className="c-settings-form">
      <Row gutter={[16, 16]}>
        {SECTIONS.map((section) => {
          const fields = Object.keys(GroupSettings.shape[section].shape).map((k) => `${section}.${k}`);
          const count = fields.filter((f) => own(patch, f) !== undefined).length;
          return (
            <Col xs={24} xl={12} key={section}>
              <Card
                size="small"
                title={t(`gs.section.${section}`)}
                extra={count > 0 ? <Tag color="blue">{t(mode === 'template' ? 'gs.setCount.template' : 'gs.setCount.group', { count })}</Tag> : null}
                data-testid={`settings-section-${section}`}
                className="c-full"
              >
                <Typography.Paragraph type="secondary" className="c-settings-hint">
                  {t(`gs.sectionHint.${section}`)}
                </Typography.Paragraph>
                {fields.map(row)}
              </Card>
            </Col>
          );
        })}
      </Row>
    </Form>
  );
}

/** Whether two patches set the same fields to the same values (key order aside). */
export function samePatch(a: GroupSettingsPatch, b: GroupSettingsPatch): boolean {
  const canon = (p: GroupSettingsPatch) => JSON.stringify(patchFields(p).map((f) => [f, own(p, f)]));
  return canon(a) === canon(b);
}
