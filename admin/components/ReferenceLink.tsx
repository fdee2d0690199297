import React from 'react';
import { useTranslation, type BasePropertyProps } from 'adminjs';
import { Link, Text, ValueGroup } from '@adminjs/design-system';

// A reference of an action (actor, action object, target): its label, linked to the record's admin page.
// The action log's after hooks put "<name>" (label) and "<name>Href" into the record's params.

const ReferenceLink: React.FC<BasePropertyProps> = ({ property, record, resource, where }) => {
  const { translateProperty } = useTranslation();
  const label = record?.params?.[property.name] as string | undefined;
  const href = record?.params?.[`${property.name}Href`] as string | undefined;
  const value = !label ? <Text as="span">—</Text> : href ? <Link href={href}>{label}</Link> : <Text as="span">{label}</Text>;
  if (where !== 'show') return value;
  return <ValueGroup label={translateProperty(property.label, resource.id)}>{value}</ValueGroup>;
};

export default ReferenceLink;
