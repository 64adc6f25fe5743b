// Command k8s-strict-check decodes every manifest of a multi-document YAML stream (e.g.
// `helm template` output on stdin) strictly into its Kubernetes API type: an unknown or
// misspelt field, a duplicate key, a wrong type or an unknown kind is an error. It also
// checks what the API server would refuse or silently get wrong: invalid names and labels,
// a Deployment whose selector does not match its pods, and objects that point at a
// Deployment or pods the stream does not contain.
package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	monitoringv1 "github.com/prometheus-operator/prometheus-operator/pkg/apis/monitoring/v1"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	metav1 "k8s.io/apimachinery/pkg/apis/meta/v1"
	"k8s.io/apimachinery/pkg/util/validation"
	sigsjson "sigs.k8s.io/json"
	"sigs.k8s.io/yaml"
)

// newObject returns an empty object of the API type of apiVersion/kind.
func newObject(apiVersion, kind string) (any, bool) {
	switch apiVersion + "/" + kind {
	case "v1/ConfigMap":
		return &corev1.ConfigMap{}, true
	case "v1/Secret":
		return &corev1.Secret{}, true
	case "v1/Service":
		return &corev1.Service{}, true
	case "v1/ServiceAccount":
		return &corev1.ServiceAccount{}, true
	case "apps/v1/Deployment":
		return &appsv1.Deployment{}, true
	case "policy/v1/PodDisruptionBudget":
		return &policyv1.PodDisruptionBudget{}, true
	case "autoscaling/v2/HorizontalPodAutoscaler":
		return &autoscalingv2.HorizontalPodAutoscaler{}, true
	case "monitoring.coreos.com/v1/ServiceMonitor":
		return &monitoringv1.ServiceMonitor{}, true
	case "keda.sh/v1alpha1/ScaledObject":
		return &ScaledObject{}, true
	}
	return nil, false
}

type manifest struct {
	source string // "# Source:" line helm writes, or the document's position
	object any
	meta   *metav1.ObjectMeta
	kind   string
}

func main() {
	docs, err := splitDocuments(os.Stdin)
	if err != nil {
		fail(err)
	}
	var manifests []manifest
	var problems []string
	for i, doc := range docs {
		m, err := decode(doc, i+1)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		if m != nil {
			manifests = append(manifests, *m)
		}
	}
	problems = append(problems, crossCheck(manifests)...)
	if len(problems) > 0 {
		fail(errors.New(strings.Join(problems, "\n")))
	}
	if len(manifests) == 0 {
		fail(errors.New("no manifest in the input"))
	}
	kinds := map[string]int{}
	for _, m := range manifests {
		kinds[m.kind]++
	}
	fmt.Printf("ok: %d manifests decoded strictly %v\n", len(manifests), kinds)
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, err)
	os.Exit(1)
}

// splitDocuments splits a YAML stream on "---" lines.
func splitDocuments(r io.Reader) ([]string, error) {
	var docs []string
	var cur strings.Builder
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 1024*1024), 16*1024*1024)
	for sc.Scan() {
		line := sc.Text()
		if strings.TrimRight(line, " ") == "---" {
			docs = append(docs, cur.String())
			cur.Reset()
			continue
		}
		cur.WriteString(line)
		cur.WriteByte('\n')
	}
	docs = append(docs, cur.String())
	return docs, sc.Err()
}

func decode(doc string, position int) (*manifest, error) {
	source := fmt.Sprintf("document %d", position)
	for _, line := range strings.Split(doc, "\n") {
		if strings.HasPrefix(line, "# Source: ") {
			source = strings.TrimPrefix(line, "# Source: ")
			break
		}
	}
	// Duplicate keys are an error here, as they are for kubectl.
	data, err := yaml.YAMLToJSONStrict([]byte(doc))
	if err != nil {
		return nil, fmt.Errorf("%s: invalid YAML: %w", source, err)
	}
	if bytes.Equal(bytes.TrimSpace(data), []byte("null")) {
		return nil, nil // an empty document (comments only)
	}
	var typeMeta metav1.TypeMeta
	if err := sigsjson.UnmarshalCaseSensitivePreserveInts(data, &typeMeta); err != nil {
		return nil, fmt.Errorf("%s: %w", source, err)
	}
	object, ok := newObject(typeMeta.APIVersion, typeMeta.Kind)
	if !ok {
		return nil, fmt.Errorf("%s: unknown kind %s %q", source, typeMeta.APIVersion, typeMeta.Kind)
	}
	// Case-sensitive field names, unknown fields and duplicate fields are errors.
	strictErrs, err := sigsjson.UnmarshalStrict(data, object)
	if err != nil {
		return nil, fmt.Errorf("%s (%s): %w", source, typeMeta.Kind, err)
	}
	if len(strictErrs) > 0 {
		msgs := make([]string, len(strictErrs))
		for i, e := range strictErrs {
			msgs[i] = e.Error()
		}
		return nil, fmt.Errorf("%s (%s): %s", source, typeMeta.Kind, strings.Join(msgs, "; "))
	}
	meta := objectMeta(object)
	m := &manifest{source: source, object: object, meta: meta, kind: typeMeta.Kind}
	if problems := validateMeta(meta); len(problems) > 0 {
		return nil, fmt.Errorf("%s (%s %s): %s", source, typeMeta.Kind, meta.Name, strings.Join(problems, "; "))
	}
	return m, nil
}

func objectMeta(object any) *metav1.ObjectMeta {
	if a, ok := object.(metav1.ObjectMetaAccessor); ok {
		if m, ok := a.GetObjectMeta().(*metav1.ObjectMeta); ok {
			return m
		}
	}
	return &metav1.ObjectMeta{}
}

func validateMeta(meta *metav1.ObjectMeta) []string {
	var problems []string
	if meta.Name == "" {
		problems = append(problems, "metadata.name is empty")
	}
	for _, msg := range validation.IsDNS1123Subdomain(meta.Name) {
		problems = append(problems, "metadata.name: "+msg)
	}
	problems = append(problems, validateLabels("metadata.labels", meta.Labels)...)
	return problems
}

func validateLabels(path string, l map[string]string) []string {
	var problems []string
	for k, v := range l {
		for _, msg := range validation.IsQualifiedName(k) {
			problems = append(problems, fmt.Sprintf("%s key %q: %s", path, k, msg))
		}
		for _, msg := range validation.IsValidLabelValue(v) {
			problems = append(problems, fmt.Sprintf("%s[%s]: %s", path, k, msg))
		}
	}
	return problems
}
